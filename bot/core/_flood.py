"""Flood control: a token bucket per user, checked before a turn costs anything.

A person reading menus sends a message every few seconds; a script or a
stuck key sends hundreds. Each user has a bucket of ``burst`` tokens that
refills at ``rate_per_minute``; a turn takes one. When the bucket is empty
the user gets one polite notice and is then ignored for ``cooldown_seconds``,
so a flood costs a dictionary lookup per message and never delays others.

Button presses and ``/commands`` (tappable in Telegram messages) have a
bucket of their own, :data:`TAP_FACTOR` times larger and faster: a person
browsing a menu taps fast, and a tap costs no typing.
Two kinds of message get through a cool-down, each within a small
allowance of its own: a safety disclosure (:meth:`FloodControl.urgent`, once
a minute) and ``/start`` or ``/forget`` (:meth:`FloodControl.essential`).

With several workers on one database (PostgreSQL), the buckets are the database's
(:attr:`FloodControl.shared`, see :meth:`FloodControl.verdict`): a person writing to two
workers takes from one bucket. The cool-down and the allowances stay in each worker.
"""

from __future__ import annotations

import enum
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.errors import StoreError
from bot.logs import pseudonym

log = logging.getLogger("marhaba.flood")

SharedBuckets = Callable[[str, float, float], Awaitable[bool]]
"""``await take(key, rate_per_second, burst)``: True when a token was taken from the database's bucket ``key``."""

DEFAULT_RATE_PER_MINUTE = 30.0
"""Sustained turns a minute: a button press every two seconds, faster than anyone reads (``MARHABA_FLOOD_RATE``)."""
DEFAULT_BURST = 8
"""Turns allowed at once (a few quick taps, a pasted multi-line message split by the client)."""
DEFAULT_COOLDOWN_SECONDS = 60.0
"""Silence after the notice: long enough that a script gives up, short enough for a person to retry."""
TAP_FACTOR = 3
"""Button presses: a bucket this many times the typed one (burst and rate), counted apart from typing."""
URGENT_EVERY_SECONDS = 60.0
"""A flooding user's safety disclosure is answered at most this often (the safety issue's "once a minute")."""
ESSENTIAL_PER_COOLDOWN = 5
"""``/start`` and ``/forget`` answered during one cool-down: more than a person sends, few enough for a script."""
MAX_TRACKED_USERS = 100_000
"""Buckets kept in memory; the least recently seen are dropped first (a dropped bucket is a full one)."""


class Verdict(enum.Enum):
    """What to do with one incoming event."""

    ALLOW = "allow"
    NOTICE = "notice"  # the bucket just ran out: tell the user once
    DROP = "drop"  # cooling down: say nothing


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    quiet_until: float = 0.0
    tap_tokens: float = 0.0
    tap_stamp: float = 0.0
    urgent_at: float = float("-inf")
    essential_used: int = 0


@dataclass(frozen=True)
class FloodLimits:
    """The limits; ``rate_per_minute <= 0`` turns flood control off."""

    rate_per_minute: float = DEFAULT_RATE_PER_MINUTE
    burst: int = DEFAULT_BURST
    cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS

    @classmethod
    def off(cls) -> FloodLimits:
        """No flood control (tests, the operator's own terminal)."""
        return cls(rate_per_minute=0)


@dataclass
class FloodControl:
    """Per-key token buckets. :meth:`check` is cheap and never awaits. Off unless given limits."""

    limits: FloodLimits = field(default_factory=FloodLimits.off)
    clock: Callable[[], float] = time.monotonic
    shared: SharedBuckets | None = None
    """The database's buckets, counted across workers; ``None``: this process's own (one process serves SQLite)."""
    _buckets: OrderedDict[tuple[str, str], _Bucket] = field(default_factory=OrderedDict, repr=False)

    def check(self, key: tuple[str, str], *, tap: bool = False) -> Verdict:
        """Take a token for ``key`` (a channel and a user id) and say what to do with the event.

        ``tap`` is a button press: it takes from the user's tap bucket, not the typing one.
        """
        limits = self.limits
        if limits.rate_per_minute <= 0:
            return Verdict.ALLOW
        now = self.clock()
        bucket = self._bucket(key, now)
        if now < bucket.quiet_until:
            return Verdict.DROP
        if tap:
            burst, rate = float(limits.burst * TAP_FACTOR), limits.rate_per_minute * TAP_FACTOR
            bucket.tap_tokens = min(burst, bucket.tap_tokens + (now - bucket.tap_stamp) * rate / 60)
            bucket.tap_stamp = now
            if bucket.tap_tokens >= 1:
                bucket.tap_tokens -= 1
                return Verdict.ALLOW
        else:
            bucket.tokens = min(float(limits.burst),
                                bucket.tokens + (now - bucket.stamp) * limits.rate_per_minute / 60)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return Verdict.ALLOW
        bucket.quiet_until = now + limits.cooldown_seconds
        bucket.essential_used = 0
        return Verdict.NOTICE

    async def verdict(self, key: tuple[str, str], *, tap: bool = False) -> Verdict:
        """:meth:`check`, with the token taken from the :attr:`shared` bucket when there is one.

        The bucket is named by the person's pseudonym (``bot.logs.pseudonym``), never their id. If the
        database does not answer, this worker's own bucket decides.
        """
        limits = self.limits
        if self.shared is None or limits.rate_per_minute <= 0:
            return self.check(key, tap=tap)
        now = self.clock()
        bucket = self._bucket(key, now)
        if now < bucket.quiet_until:
            return Verdict.DROP
        factor = TAP_FACTOR if tap else 1
        name = f"flood:{'tap' if tap else 'type'}:{pseudonym(*key)}"
        try:
            allowed = await self.shared(name, limits.rate_per_minute * factor / 60, float(limits.burst * factor))
        except StoreError as exc:
            log.warning("flood control: the database did not answer (%s); this worker counts alone",
                        type(exc).__name__)
            return self.check(key, tap=tap)
        if allowed:
            return Verdict.ALLOW
        bucket.quiet_until = now + limits.cooldown_seconds
        bucket.essential_used = 0
        return Verdict.NOTICE

    def urgent(self, key: tuple[str, str]) -> bool:
        """May a silenced user's safety disclosure be answered now? Yes at most once a minute."""
        now = self.clock()
        bucket = self._bucket(key, now)
        if now - bucket.urgent_at < URGENT_EVERY_SECONDS:
            return False
        bucket.urgent_at = now
        return True

    def essential(self, key: tuple[str, str]) -> bool:
        """May a silenced user's ``/start`` or ``/forget`` be answered? Yes, a few times a cool-down."""
        bucket = self._bucket(key, self.clock())
        if bucket.essential_used >= ESSENTIAL_PER_COOLDOWN:
            return False
        bucket.essential_used += 1
        return True

    def _bucket(self, key: tuple[str, str], now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            burst = float(self.limits.burst)
            bucket = self._buckets[key] = _Bucket(burst, now, tap_tokens=burst * TAP_FACTOR, tap_stamp=now)
            if len(self._buckets) > MAX_TRACKED_USERS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket
