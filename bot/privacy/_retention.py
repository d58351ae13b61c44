"""Retention: delete what is no longer needed, on a schedule (``marhaba run``) or from cron.

Each feature that keeps something about people registers a
:class:`RetentionRule` with :func:`add_retention_rule`; :func:`purge` runs them
all. A rule's age limit comes from its own environment variable, in days;
``0`` keeps the data for ever (the operator's explicit choice).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.privacy._pseudonym import safe_traceback
from bot.settings import Settings
from bot.store import SQLiteStore, purge_inbox

if TYPE_CHECKING:
    from bot.core import Engine

log = logging.getLogger("marhaba.privacy")

DAY_SECONDS = 86_400
DEFAULT_USER_RETENTION_DAYS = 365
"""Progress of someone who has not written for a year is of no use to them; their data goes."""
DEFAULT_INBOX_RETENTION_DAYS = 7
"""Ids of handled webhook updates (no content) are kept a week, to refuse a late redelivery."""
DEFAULT_QUESTION_RETENTION_DAYS = 30
"""Unanswered questions are kept long enough for staff to read and answer them, then deleted."""

Purge = Callable[[SQLiteStore, float], Awaitable[int]]
"""``await purge(store, older_than_seconds)`` deletes what is older and returns how many rows went."""


@dataclass(frozen=True)
class RetentionRule:
    """``purge`` runs with the age limit read from ``variable`` (days, default ``default_days``)."""

    name: str
    variable: str
    default_days: float
    purge: Purge

    def max_age_seconds(self, settings: Settings) -> float | None:
        """The age limit in seconds, or ``None`` when the data is kept for ever (``0``)."""
        text = settings.get(self.variable).strip()
        try:
            days = float(text) if text else self.default_days
        except ValueError:
            days = -1
        if not days >= 0 or days == float("inf"):
            raise ConfigError(f"{self.variable} must be a number of days (0 keeps for ever), not '{text}'")
        return days * DAY_SECONDS if days else None


RULES: dict[str, RetentionRule] = {}
"""Registered rules by name; features add theirs with :func:`add_retention_rule`."""


def add_retention_rule(rule: RetentionRule) -> None:
    """Register (or replace) a retention rule."""
    RULES[rule.name] = rule


async def table_exists(store: SQLiteStore, name: str) -> bool:
    """True when the database has table ``name`` (a feature's migration may not be installed)."""
    rows = await store.db.execute_fetchall("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return bool(rows)


async def purge_inactive_users(store: SQLiteStore, older_than_seconds: float) -> int:
    """Delete users who have not written for ``older_than_seconds``; every row about them goes with them."""
    cutoff = time.time() - older_than_seconds
    # Their tickets close as 'expired', not 'forgotten': staff are told the truth (migration 009).
    close_tickets = ("INSERT OR IGNORE INTO closed_tickets (id, reason, closed_at) "
                     "SELECT t.id, 'expired', ? FROM question_tickets t JOIN users u ON u.id = t.user_id "
                     "WHERE u.last_seen < ? AND t.status <> 'draft'", (time.time(), cutoff))
    rows = await store.write_returning("DELETE FROM users WHERE last_seen < ? RETURNING id", (cutoff,),
                                       before=(close_tickets,))
    return len(rows)


async def purge_unanswered_questions(store: SQLiteStore, older_than_seconds: float) -> int:
    """Delete unanswered-question texts older than the limit (nothing when that feature is not installed)."""
    if not await table_exists(store, "unanswered_questions"):
        return 0
    try:
        purge = importlib.import_module("bot.questions").purge_unanswered
    except (ImportError, AttributeError):
        log.warning("unanswered_questions exists but bot.questions.purge_unanswered is missing; kept")
        return 0
    return int(await purge(store, older_than_seconds) or 0)


add_retention_rule(RetentionRule("inactive users", "MARHABA_RETENTION_DAYS", DEFAULT_USER_RETENTION_DAYS,
                                 purge_inactive_users))
add_retention_rule(RetentionRule("handled webhook ids", "MARHABA_INBOX_RETENTION_DAYS", DEFAULT_INBOX_RETENTION_DAYS,
                                 purge_inbox))
add_retention_rule(RetentionRule("unanswered questions", "MARHABA_QUESTION_RETENTION_DAYS",
                                 DEFAULT_QUESTION_RETENTION_DAYS, purge_unanswered_questions))


def check_limits(settings: Settings) -> None:
    """Raise :class:`ConfigError` now (at start-up) for a malformed retention setting."""
    for rule in RULES.values():
        rule.max_age_seconds(settings)


async def purge(store: SQLiteStore, settings: Settings) -> dict[str, int]:
    """Run every rule; return rows deleted by rule name (rules set to keep for ever are left out).

    All limits are checked before anything is deleted, so a typo deletes nothing.
    """
    limits = {name: rule.max_age_seconds(settings) for name, rule in RULES.items()}
    done: dict[str, int] = {}
    for name, rule in RULES.items():
        age = limits[name]
        if age is not None:
            done[name] = await rule.purge(store, age)
    if any(done.values()):
        log.info("retention: deleted %s", ", ".join(f"{n} {name}" for name, n in done.items() if n))
    return done


PURGE_INTERVAL_SECONDS = DAY_SECONDS
"""``marhaba run`` purges once at start and then daily."""


async def retention_job(engine: Engine, settings: Settings, interval: float = PURGE_INTERVAL_SECONDS,
                        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """The ``marhaba run`` job: purge now and then every ``interval`` seconds; a failure is logged and retried.

    ``sleep`` waits out the interval (tests pass one that returns when they say a day has passed).
    """
    store = engine.store
    if not isinstance(store, SQLiteStore):
        return
    while True:
        try:
            await purge(store, settings)
        except Exception as exc:
            log.error("retention purge failed: %s", safe_traceback(exc))
        await sleep(interval)
