"""Flood control: a token bucket per user, checked before a turn costs anything.

A person reading menus sends a message every few seconds; a script or a
stuck key sends hundreds. Each user has a bucket of ``burst`` tokens that
refills at ``rate_per_minute``; a turn takes one. When the bucket is empty
the user gets one polite notice and is then ignored for ``cooldown_seconds``,
so a flood costs a dictionary lookup per message and never delays others.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import ConfigError
from bot.settings import Settings

DEFAULT_RATE_PER_MINUTE = 30.0
"""Sustained turns a minute: a button press every two seconds, faster than anyone reads."""
DEFAULT_BURST = 8
"""Turns allowed at once (a few quick taps, a pasted multi-line message split by the client)."""
DEFAULT_COOLDOWN_SECONDS = 60.0
"""Silence after the notice: long enough that a script gives up, short enough for a person to retry."""
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

    @classmethod
    def from_settings(cls, settings: Settings) -> FloodLimits:
        """Read ``MARHABA_FLOOD_RATE`` (turns a minute, 0 = off), ``MARHABA_FLOOD_BURST``, ``MARHABA_FLOOD_COOLDOWN`` (seconds)."""
        return cls(
            rate_per_minute=_number(settings, "MARHABA_FLOOD_RATE", DEFAULT_RATE_PER_MINUTE),
            burst=int(_number(settings, "MARHABA_FLOOD_BURST", DEFAULT_BURST, minimum=1)),
            cooldown_seconds=_number(settings, "MARHABA_FLOOD_COOLDOWN", DEFAULT_COOLDOWN_SECONDS),
        )


def _number(settings: Settings, name: str, default: float, minimum: float = 0) -> float:
    text = settings.get(name).strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not value >= minimum or value != value or value == float("inf"):
        raise ConfigError(f"{name} must be a number of at least {minimum:g}, not '{text}'")
    return value


@dataclass
class FloodControl:
    """Per-key token buckets. :meth:`check` is cheap and never awaits. Off unless given limits."""

    limits: FloodLimits = field(default_factory=FloodLimits.off)
    clock: Callable[[], float] = time.monotonic
    _buckets: OrderedDict[tuple[str, str], _Bucket] = field(default_factory=OrderedDict, repr=False)

    def check(self, key: tuple[str, str]) -> Verdict:
        """Take a token for ``key`` (a channel and a user id) and say what to do with the event."""
        limits = self.limits
        if limits.rate_per_minute <= 0:
            return Verdict.ALLOW
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(limits.burst), now)
            if len(self._buckets) > MAX_TRACKED_USERS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        if now < bucket.quiet_until:
            return Verdict.DROP
        bucket.tokens = min(float(limits.burst), bucket.tokens + (now - bucket.stamp) * limits.rate_per_minute / 60)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        bucket.quiet_until = now + limits.cooldown_seconds
        return Verdict.NOTICE
