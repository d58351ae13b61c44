"""``marhaba run``: serve the configured channels and background jobs from one process."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import Sequence
from typing import Protocol

from bot.app import FEATURES, open_engine
from bot.core import Engine, Feature
from bot.errors import ConfigError
from bot.features.privacy import warn_without_own_key
from bot.settings import Settings
from bot.store import serving_lock
from bot.web import WebServer

log = logging.getLogger("marhaba.run")

CHANNELS = {
    "telegram": "bot.channels.telegram:TelegramChannel",
    "whatsapp": "bot.channels.whatsapp:WhatsAppChannel",
}
"""Channel name -> the class that runs it (imported only when that channel runs)."""

class Channel(Protocol):
    """What ``marhaba run`` needs of a channel."""

    name: str

    @classmethod
    def configured(cls, settings: Settings) -> bool:
        """True when the environment has this channel's settings."""

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, web: WebServer) -> Channel:
        """Build the channel; raise :class:`ConfigError` for missing or malformed settings."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def channel_class(name: str) -> type[Channel]:
    if name not in CHANNELS:
        raise ConfigError(f"unknown channel '{name}'; choose from: {', '.join(CHANNELS)}")
    module, _, attr = CHANNELS[name].partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        raise ConfigError(f"the {name} channel is not available in this build") from None


def web_server(settings: Settings) -> WebServer:
    return WebServer(settings.web.host, settings.web.port)


def _configured_channels(settings: Settings) -> list[type[Channel]]:
    found = []
    for name in CHANNELS:
        try:
            cls = channel_class(name)
        except ConfigError:
            continue
        if cls.configured(settings):
            found.append(cls)
    return found


async def serve(settings: Settings, names: list[str], stop: asyncio.Event | None = None) -> None:
    """Run the named channels (all configured ones when ``names`` is empty) until ``stop`` is set."""
    classes = [channel_class(n) for n in names] if names else _configured_channels(settings)
    if not classes:
        raise ConfigError("no channel is configured: set TELEGRAM_TOKEN and/or the WHATSAPP_* variables "
                          "(see the README), or use `marhaba chat` for the terminal")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    # One server per SQLite file (a file lock); a PostgreSQL database has no file to lock.
    with serving_lock(settings.db_path) if not settings.database_url else contextlib.nullcontext():
        await _serve(settings, classes, stop)


async def _serve(settings: Settings, classes: list[type[Channel]], stop: asyncio.Event,
                 features: Sequence[Feature] = FEATURES) -> None:
    async with open_engine(settings, features) as engine:
        web = web_server(settings)
        channels = [cls.from_settings(settings, engine, web) for cls in classes]
        warn_without_own_key(settings, engine.store.path)  # once the configuration is known to be good
        await web.start()
        started: list[Channel] = []
        jobs: list[asyncio.Task[None]] = []
        try:
            for ch in channels:
                await ch.start()
                started.append(ch)
                log.info("channel %s started", ch.name)
            # The features' background jobs (live reload, reminders, retention, usage counts).
            jobs = [asyncio.create_task(job()) for job in engine.router.jobs]
            await stop.wait()
        finally:
            for task in jobs:
                task.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            for ch in reversed(started):
                await ch.stop()
            await web.stop()
