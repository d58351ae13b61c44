"""The usage counters and the hourly job that counts active people."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.core._router import Router
from bot.features.usage._repository import USAGE
from bot.logs import safe_traceback
from bot.store import Store

if TYPE_CHECKING:
    from bot.core import Engine
    from bot.settings import Settings

log = logging.getLogger("marhaba.usage")

ACTIVE_COUNT_INTERVAL_SECONDS = 3600.0
"""How often ``marhaba run`` counts this week's active people (a week's figure is its last count)."""


def week_of(when: float) -> tuple[str, float]:
    """The week ``when`` falls in: its Monday (``2026-11-30``, UTC) and that Monday's start as a timestamp."""
    day = datetime.fromtimestamp(when, UTC).date()
    monday = day - timedelta(days=day.weekday())
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC).timestamp()
    return monday.isoformat(), start


async def record_question(store: Store, locale: str, *, answered: bool, now: float | None = None) -> None:
    """Count one question this week, and for ``locale`` whether it was answered or "not sure"."""
    week, _ = week_of(time.time() if now is None else now)
    await store.repository(USAGE).record_question(week, locale, answered)


async def record_handoff(store: Store, from_node: str | None) -> None:
    """Count that someone on ``from_node`` (their page before) asked for a person."""
    if from_node:
        await store.repository(USAGE).record_handoff(from_node)


async def count_active_users(store: Store, now: float | None = None) -> None:
    """Store how many people were active this week so far (a week's figure only grows)."""
    week, start = week_of(time.time() if now is None else now)
    await store.repository(USAGE).count_active(week, start)


async def usage_job(engine: Engine, settings: Settings) -> None:
    """``marhaba run``'s background job: count this week's active people every hour."""
    store = engine.store
    while True:
        try:
            await count_active_users(store)
        except Exception as exc:
            log.error("counting active users failed: %s", safe_traceback(exc))
        await asyncio.sleep(ACTIVE_COUNT_INTERVAL_SECONDS)


class Usage:
    """Counts this week's active people every hour while ``marhaba run`` serves."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.router = Router("usage")
        self.router.add_job(lambda: usage_job(engine, settings), singleton="usage")

