"""``marhaba run``: serve the configured channels and background jobs from one process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Sequence

from bot.app import FEATURES, open_engine
from bot.channels import Channel, ChannelSpec, channel_spec, channel_specs
from bot.core import Feature
from bot.errors import ConfigError
from bot.features.privacy import warn_without_own_key
from bot.settings import Settings
from bot.store import Leases, serving_lock
from bot.web import WebServer

log = logging.getLogger("marhaba.run")

GC_YOUNG_THRESHOLD = 10_000
"""Allocations between two collections of the youngest generation (Python's default: 700). A server
allocates many short-lived objects a request; collecting them less often costs a few MB at most."""


def tune_gc() -> None:
    """Once start-up is done: what it loaded (content, catalogs, code) moves out of the collector's
    sight for good (``gc.freeze``), and young objects are collected less often (:data:`GC_YOUNG_THRESHOLD`).

    Garbage collection was about a tenth of a web chat turn's CPU (``bench/bench_webchat.py``),
    most of it full collections walking the content tree and catalogs, which live as long as the process.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def web_server(settings: Settings) -> WebServer:
    return WebServer(settings.web.host, settings.web.port)


def _configured_channels(settings: Settings) -> list[ChannelSpec]:
    found = []
    for spec in channel_specs():
        try:
            if spec.configured(settings):
                found.append(spec)
        except ConfigError:  # not available in this build
            continue
    return found


async def serve(settings: Settings, names: list[str], stop: asyncio.Event | None = None) -> None:
    """Run the named channels (all configured ones when ``names`` is empty) until ``stop`` is set."""
    specs = [channel_spec(n) for n in names] if names else _configured_channels(settings)
    for spec in specs:
        spec.channel_class()  # a channel missing from this build is refused before anything starts
    if not specs:
        hints = " and/or ".join(spec.setup_hint for spec in channel_specs())
        raise ConfigError(f"no channel is configured: set {hints} "
                          "(see the README), or use `marhaba chat` for the terminal")
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    # One server per SQLite file (a file lock); a PostgreSQL database has no file to lock.
    with serving_lock(settings.db_path) if not settings.database_url else contextlib.nullcontext():
        await _serve(settings, specs, stop)


async def _serve(settings: Settings, specs: list[ChannelSpec], stop: asyncio.Event,
                 features: Sequence[Feature] = FEATURES) -> None:
    async with open_engine(settings, features) as engine:
        web = web_server(settings)
        channels = [spec.build(settings, engine, web) for spec in specs]
        warn_without_own_key(settings, engine.store.path)  # once the configuration is known to be good
        starting = [ch.name for ch in channels]
        # /healthz says 503 until every channel has started (its routes added, its sender set): a load
        # balancer or a test sends nothing to a process that would answer 404.
        web.health_checks["channels starting"] = lambda: not starting
        await web.start()
        started: list[Channel] = []
        jobs: list[asyncio.Task[None]] = []
        try:
            for ch in channels:
                await ch.start()
                started.append(ch)
                starting.remove(ch.name)
                log.info("channel %s started", ch.name)
            # The features' background jobs: those of each process (live reload), and those run once
            # per database (reminders, retention, usage counts), each in the process holding its lease.
            jobs = [asyncio.create_task(job()) for job in engine.router.jobs]
            leases = Leases(engine.store)
            jobs += [asyncio.create_task(leases.run_while_held(f"job:{name}", job, settings.lease_seconds))
                     for name, job in engine.router.singleton_jobs.items()]
            tune_gc()
            await stop.wait()
        finally:
            for task in jobs:
                task.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            for ch in reversed(started):
                await ch.stop()
            await web.stop()
