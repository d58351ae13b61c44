"""The usage counters and the hourly job that counts active people."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.logs import safe_traceback
from bot.store import SQLiteStore, Store

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
    if not isinstance(store, SQLiteStore):
        return
    week, _ = week_of(time.time() if now is None else now)
    column = "answered" if answered else "not_sure"
    await store.write(
        ("INSERT INTO usage_weeks (week, questions) VALUES (?, 1) "
         "ON CONFLICT (week) DO UPDATE SET questions = questions + 1", (week,)),
        (f"INSERT INTO question_outcomes (locale, {column}) VALUES (?, 1) "
         f"ON CONFLICT (locale) DO UPDATE SET {column} = {column} + 1", (locale,)),
    )


async def record_handoff(store: Store, from_node: str | None) -> None:
    """Count that someone on ``from_node`` (their page before) asked for a person."""
    if not isinstance(store, SQLiteStore) or not from_node:
        return
    await store.write(("INSERT INTO handoff_origins (node_id, count) VALUES (?, 1) "
                       "ON CONFLICT (node_id) DO UPDATE SET count = count + 1", (from_node,)))


async def count_active_users(store: SQLiteStore, now: float | None = None) -> None:
    """Store how many people were active this week so far (a week's figure only grows)."""
    week, start = week_of(time.time() if now is None else now)
    await store.write(
        ("INSERT INTO usage_weeks (week, active_users) "
         "SELECT ?, COUNT(*) FROM users WHERE last_seen >= ? "
         "ON CONFLICT (week) DO UPDATE SET active_users = MAX(active_users, excluded.active_users)",
         (week, start)))


async def usage_job(engine: Engine, settings: Settings) -> None:
    """``marhaba run``'s background job: count this week's active people every hour."""
    store = engine.store
    if not isinstance(store, SQLiteStore):
        return
    while True:
        try:
            await count_active_users(store)
        except Exception as exc:
            log.error("counting active users failed: %s", safe_traceback(exc))
        await asyncio.sleep(ACTIVE_COUNT_INTERVAL_SECONDS)
