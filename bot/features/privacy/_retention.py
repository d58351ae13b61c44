"""Retention: delete what is no longer needed, on a schedule (``marhaba run``) or from cron.

Each feature that keeps something about people registers a
:class:`RetentionRule` in its ``Feature.retention`` (collected with :func:`rules_of`); :func:`purge` runs them
all. A rule's age limit comes from its own environment variable, in days;
``0`` keeps the data for ever (the operator's explicit choice).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.features.privacy._repository import PRIVACY
from bot.logs import safe_traceback
from bot.settings import (
    DAY_SECONDS,
    RETENTION_DEFAULTS,
    WHATSAPP_INBOUND_DAYS,
    WHATSAPP_STATUS_DAYS,
    Settings,
)
from bot.store import Store, purge_inbox

if TYPE_CHECKING:
    from bot.core import Engine

log = logging.getLogger("marhaba.privacy")

DEFAULT_USER_RETENTION_DAYS = RETENTION_DEFAULTS["MARHABA_RETENTION_DAYS"]
DEFAULT_INBOX_RETENTION_DAYS = RETENTION_DEFAULTS["MARHABA_INBOX_RETENTION_DAYS"]
DEFAULT_QUESTION_RETENTION_DAYS = RETENTION_DEFAULTS["MARHABA_QUESTION_RETENTION_DAYS"]
DEFAULT_BROADCAST_RETENTION_DAYS = RETENTION_DEFAULTS["MARHABA_BROADCAST_RETENTION_DAYS"]
UNSENT_QUESTION_DAYS = 1
"""An "Ask a person" offer nobody pressed within a day is closed, and its question text deleted."""

Purge = Callable[[Store, float, float], Awaitable[int]]
"""``await purge(store, older_than_seconds, now)`` deletes what is older than ``now - older_than_seconds``
and returns how many rows went. ``now`` is passed in, so a test can move the clock."""


@dataclass(frozen=True)
class RetentionRule:
    """``purge`` runs with the age limit set by ``variable`` (days, parsed in :class:`bot.settings.RetentionSection`).

    A rule without a ``variable`` has a fixed period of ``default_days``. ``tables`` are those whose rows it deletes and
    ``what`` says in a few words what goes (``marhaba privacy`` lists both).
    """

    name: str
    variable: str | None
    default_days: float
    purge: Purge
    tables: tuple[str, ...] = ()
    what: str = ""

    def max_age_seconds(self, settings: Settings) -> float | None:
        """The age limit in seconds, or ``None`` when the data is kept for ever (``0``)."""
        if self.variable is None:
            return self.default_days * DAY_SECONDS
        return settings.retention.max_age_seconds(self.variable)

    def describe(self, settings: Settings) -> str:
        """One line for ``marhaba privacy``: the rule, its period (and where it is set), what goes."""
        age = self.max_age_seconds(settings)
        days = None if age is None else age / DAY_SECONDS
        period = "kept for ever" if days is None else f"{days:g} day" + ("" if days == 1 else "s")
        setting = f" ({self.variable})" if self.variable else " (fixed)"
        return f"{self.name}: {period}{setting}; {self.what} [{', '.join(self.tables)}]"


def rules_of(features: Iterable[Any]) -> dict[str, RetentionRule]:
    """The retention rules the features declare (``Feature.retention``), by name, in feature order.

    A rule's variable must be one :mod:`bot.settings` parses (every variable is read there)."""
    rules: dict[str, RetentionRule] = {}
    for feature in features:
        for rule in feature.retention:
            if rule.name in rules:
                raise ValueError(f"two retention rules are named '{rule.name}' (the {feature.name} feature's "
                                 "and an earlier one)")
            if rule.variable is not None and rule.variable not in RETENTION_DEFAULTS:
                raise ValueError(f"retention rule {rule.name!r}: add {rule.variable} to "
                                 "bot.settings.RETENTION_DEFAULTS (every variable is read in bot/settings.py)")
            rules[rule.name] = rule
    return rules


async def table_exists(store: Store, name: str) -> bool:
    """True when the database has table ``name`` (a feature's migration may not be installed)."""
    return await store.repository(PRIVACY).has_table(name)


async def purge_inactive_users(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete users who have not written for ``older_than_seconds``; every row about them goes with them
    (their tickets close as 'expired', not 'forgotten': staff are told the truth)."""
    return await store.repository(PRIVACY).purge_inactive_users(older_than_seconds,
                                                                time.time() if now is None else now)


def when_table(table: str, purge: Purge) -> Purge:
    """``purge`` run only when ``table`` exists (a feature's migration may not be installed yet)."""

    async def run(store: Store, older_than_seconds: float, now: float) -> int:
        if not await table_exists(store, table):
            return 0
        return int(await purge(store, older_than_seconds, now) or 0)

    return run


def feature_purge(module: str, function: str, table: str) -> Purge:
    """A :data:`Purge` that calls ``module.function`` when ``table`` exists; imported only then, so this
    package does not import the modules that import it (the WhatsApp channel's tables)."""

    async def run(store: Store, older_than_seconds: float, now: float) -> int:
        purge = getattr(importlib.import_module(module), function)
        return await when_table(table, purge)(store, older_than_seconds, now)

    return run


RETENTION = (
    RetentionRule("inactive users", "MARHABA_RETENTION_DAYS", DEFAULT_USER_RETENTION_DAYS, purge_inactive_users,
                  ("users", "visits", "steps_done", "subscriptions", "question_tickets", "unanswered_questions",
                   "whatsapp_inbound", "whatsapp_statuses", "outbox"),
                  "a person (channel and platform id) and every row about them, after their last message"),
    RetentionRule("handled webhook ids", "MARHABA_INBOX_RETENTION_DAYS", DEFAULT_INBOX_RETENTION_DAYS, purge_inbox,
                  ("inbox",), "ids of webhook updates already answered; the update itself (with the message "
                  "text) is cleared as soon as its answer is sent"),
    RetentionRule("whatsapp message ids", None, WHATSAPP_INBOUND_DAYS,
                  feature_purge("bot.channels.whatsapp._store", "purge_inbound", "whatsapp_inbound"),
                  ("whatsapp_inbound",), "ids and times of received WhatsApp messages (never their text)"),
    RetentionRule("whatsapp delivery statuses", None, WHATSAPP_STATUS_DAYS,
                  feature_purge("bot.channels.whatsapp._store", "purge_statuses", "whatsapp_statuses"),
                  ("whatsapp_statuses",), "ids and delivery statuses of WhatsApp messages sent outside a turn"),
)
"""The rules of the tables no single feature owns: users, the webhook inbox, the WhatsApp channel's ids."""


def check_limits(settings: Settings, rules: Mapping[str, RetentionRule]) -> None:
    """Fail now (at start-up) for a rule whose variable :class:`bot.settings.RetentionSection` does not parse
    (a malformed value was already refused, as a :class:`ConfigError`, when the settings were read)."""
    for rule in rules.values():
        rule.max_age_seconds(settings)


async def purge(store: Store, settings: Settings, now: float | None = None, *,
                rules: Mapping[str, RetentionRule]) -> dict[str, int]:
    """Run every rule as of ``now`` (default: the clock); return rows deleted by rule name (rules set to
    keep for ever are left out).

    All limits are checked before anything is deleted, so a typo deletes nothing.
    """
    limits = {name: rule.max_age_seconds(settings) for name, rule in rules.items()}
    now = time.time() if now is None else now
    done: dict[str, int] = {}
    for name, rule in rules.items():
        age = limits[name]
        if age is not None:
            done[name] = await rule.purge(store, age, now)
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
    rules = rules_of(engine.features)
    while True:
        try:
            await purge(store, settings, rules=rules)
        except Exception as exc:
            log.error("retention purge failed: %s", safe_traceback(exc))
        await sleep(interval)
