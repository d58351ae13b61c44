"""A crawler that renders every page, menu and reply of the sample in one locale.

It drives the fully assembled engine (every feature installed) as one new
user: it picks the language, presses every button it is shown (breadth first,
except the one that deletes the user), sends every public command and a few
typed messages. The tests of the catalogs read what it collected.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.app import FEATURES, open_engine
from bot.core import Engine, Incoming, Outgoing
from bot.features import broadcast
from bot.features.broadcast import BroadcastSettings, EventsFeature, load_events
from bot.settings import PROJECT_DIR, Settings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""The crawl's clock: a Monday, 12:00 in Example City, before every sample event."""

_SKIP = ("forget:yes", "lang:")
"""Payloads not pressed: deleting the user, and switching to another language."""
TYPED = ("qwxz", "menu", "/nosuchcommand", "", "9999")
"""Typed messages in no particular language (an English question would get an English answer)."""


def sample_settings(tmp: Path, **env: str) -> Settings:
    """Settings for the sample content and catalogs, with a fresh database in ``tmp``."""
    return Settings.from_env({"MARHABA_DB": str(tmp / "crawl.db"), "MARHABA_CONTENT": str(PROJECT_DIR / "content"),
                              "MARHABA_LOCALES": str(PROJECT_DIR / "locales"), "HOME": str(tmp), "MARHABA_FLOOD_RATE": "0", **env})


async def crawl_engine(engine: Engine, locale: str) -> list[Outgoing]:
    """Every message the engine sends one user of ``locale`` who presses everything once."""
    user = f"crawl-{locale}"
    seen: set[str] = set()
    out: list[Outgoing] = []
    queue: deque[Incoming] = deque()

    async def send(event: Incoming) -> None:
        replies = await engine.handle(event)
        out.extend(replies)
        for reply in replies:
            for option in reply.options:
                if option.payload not in seen and not option.payload.startswith(_SKIP):
                    seen.add(option.payload)
                    queue.append(Incoming("test", user, payload=option.payload))

    await engine.handle(Incoming("test", user, command="start"))  # the picker greets in every language
    await send(Incoming("test", user, payload=f"lang:{locale}"))
    for command in engine.public_commands():
        queue.append(Incoming("test", user, command=command.name))
    for text in TYPED:
        queue.append(Incoming("test", user, text=text))
    while queue:
        await send(queue.popleft())
    return out


@asynccontextmanager
async def sample_engine(tmp: Path, **env: str) -> AsyncIterator[Engine]:
    """The fully assembled bot on the sample, its events seen at :data:`NOW` with Hijri dates shown."""
    settings = sample_settings(tmp, **env)
    def events_at_now(engine: Engine, settings: Settings) -> EventsFeature:
        return EventsFeature(engine, load_events(settings.content_dir, engine.content), BroadcastSettings(hijri=True),
                             now=lambda: NOW)

    features = tuple(replace(f, setup=events_at_now) if f is broadcast.FEATURE else f for f in FEATURES)
    async with open_engine(settings, features) as engine:
        yield engine


async def crawl(tmp: Path, locales: list[str], **env: str) -> dict[str, list[Outgoing]]:
    """:func:`crawl_engine` for each locale, on one freshly assembled engine of the sample."""
    async with sample_engine(tmp, **env) as engine:
        return {locale: await crawl_engine(engine, locale) for locale in locales}


def texts(messages: list[Outgoing]) -> list[str]:
    """Everything a user reads in ``messages``: texts, titles, button labels, map pin names."""
    out = []
    for m in messages:
        out += [m.title, m.text]
        out += [label for o in m.options for label in (o.label, o.short_label or "", o.description)]
        if m.location is not None:
            out.append(m.location.name)
    return [t for t in out if t]
