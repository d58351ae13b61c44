"""Platform rate caps shared by every process on one database: token buckets behind :class:`RateCapRepository`.

A platform counts a bot's messages across all its processes (Telegram: 30 a second for the bot), so
every send of every process — a reply, a broadcast, a reminder — first takes a token from one bucket
in the database. :class:`RateCaps` takes a few tokens at once (:data:`BATCH_SECONDS` of the cap) and
spends them in this process within :data:`HOLD_SECONDS`, so a reply seldom costs a round trip.

Why the cap holds over any one-second window: a token spent at ``t`` was taken at most
:data:`HOLD_SECONDS` before, so the sends in a window are at most the takes in a window of
``1 + HOLD_SECONDS``: the burst plus ``rate * (1 + HOLD_SECONDS)``. With the bucket refilling at
:data:`SHARE` of the cap and a burst of :data:`BURST_SECONDS` of it, that is below the cap with a margin
left for network jitter (the platform counts arrivals).

Replies come first: a bulk send (inside :func:`bulk`, as the broadcast sender runs) leaves
:data:`REPLY_RESERVE` tokens of the burst to replies, and waits while a reply of this process waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from bot.store._base import RepositoryKey, Store


class RateCapRepository(Protocol):
    async def take(self, key: str, want: int, rate: float, burst: float, reserve: float,
                   now: float) -> tuple[int, float]:
        """Atomically take up to ``want`` whole tokens above ``reserve`` from the bucket ``key``.

        The bucket holds at most ``burst`` tokens (a new one is full) and refills at ``rate`` a second
        from its last take to ``now``. Returns the tokens taken (0 to ``want``) and the tokens left.
        """

    async def purge(self, idle_since: float) -> int:
        """Delete the buckets not taken from since ``idle_since`` (full again: as if new); how many."""


RATE_CAPS: RepositoryKey[RateCapRepository] = RepositoryKey("rates")

SHARE = 0.87
"""The bucket refills at this share of the platform's cap: the rest is the margin for held tokens and jitter
(at Telegram's 30/s: a burst of 3 plus 26.1 a second, at most 29.1 in any second)."""
BURST_SECONDS = 0.05
"""The bucket holds this many seconds of the cap (at least :data:`MIN_BURST` tokens)."""
MIN_BURST = 3.0
"""The smallest burst: one token for replies only (:data:`REPLY_RESERVE`) and two for anyone, so a bulk
sender that wakes a little late still finds its next token (a full bucket stops refilling)."""
REPLY_RESERVE = 1.0
"""The tokens of the burst a bulk send never takes: kept for replies."""
BATCH_SECONDS = 0.05
"""A process takes up to this many seconds of the cap at once (at least one token)."""
HOLD_SECONDS = 0.05
"""Tokens taken and not spent within this are dropped (they count as sent)."""
SHORTEST_WAIT = 0.005
"""The least a sender waits before asking an empty bucket again."""


@dataclass(frozen=True)
class Bucket:
    """One platform cap as the database's bucket keeps it: ``cap`` messages a second under ``key``."""

    key: str
    cap: float

    @property
    def rate(self) -> float:
        return self.cap * SHARE

    @property
    def burst(self) -> float:
        return max(MIN_BURST, self.cap * BURST_SECONDS)

    @property
    def batch(self) -> int:
        return max(1, int(self.cap * BATCH_SECONDS))


_bulk: contextvars.ContextVar[bool] = contextvars.ContextVar("marhaba_bulk_send", default=False)


@contextlib.contextmanager
def bulk() -> Iterator[None]:
    """Sends made inside (and in tasks started inside) are bulk: replies go before them."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def is_bulk() -> bool:
    """True inside :func:`bulk`."""
    return _bulk.get()


@dataclass
class _Local:
    tokens: int = 0
    until: float = 0.0
    replies: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    no_replies: asyncio.Event = field(default_factory=asyncio.Event)


class RateCaps:
    """``await caps.take(Bucket(key, 30))`` returns when this process may send one message."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._local: dict[str, _Local] = {}
        self.round_trips = 0
        """Takes that asked the database (the others were spent from this process's batch)."""

    async def take(self, bucket: Bucket) -> None:
        """Wait for one token of ``bucket``; a reply (outside :func:`bulk`) goes before bulk sends."""
        local = self._local.get(bucket.key)
        if local is None:
            local = self._local[bucket.key] = _Local()
            local.no_replies.set()
        reply = not is_bulk()
        if reply:
            local.replies += 1
            local.no_replies.clear()
        try:
            while True:
                if not reply:
                    await local.no_replies.wait()
                async with local.lock:
                    if not reply and local.replies:
                        continue
                    now = self._clock()
                    if local.tokens and now < local.until:
                        local.tokens -= 1
                        return
                    reserve = 0.0 if reply else REPLY_RESERVE
                    self.round_trips += 1
                    got, left = await self._store.repository(RATE_CAPS).take(bucket.key, bucket.batch, bucket.rate, bucket.burst,
                                                            reserve, now)
                    if got:
                        local.tokens, local.until = got - 1, now + HOLD_SECONDS
                        return
                    wait = max(SHORTEST_WAIT, (reserve + 1 - left) / bucket.rate)
                await asyncio.sleep(wait)
        finally:
            if reply:
                local.replies -= 1
                if not local.replies:
                    local.no_replies.set()


IDLE_SECONDS = 3600.0
"""A bucket not taken from for this long is deleted (a flood bucket refills in well under a minute)."""
PURGE_EVERY_SECONDS = 600.0
"""How often a process deletes idle buckets (on a take: a process that takes nothing purges nothing)."""


def shared_buckets(store: Store, clock: Callable[[], float] = time.time) -> Callable[[str, float, float],
                                                                                      Awaitable[bool]]:
    """``await take(key, rate, burst)``: one token of the database's bucket ``key``, for the core's flood
    control across workers (``FloodControl.shared``). Idle buckets are deleted now and then."""
    next_purge = [clock() + PURGE_EVERY_SECONDS]

    async def take(key: str, rate: float, burst: float) -> bool:
        repository, now = store.repository(RATE_CAPS), clock()
        if now >= next_purge[0]:
            next_purge[0] = now + PURGE_EVERY_SECONDS
            await repository.purge(now - IDLE_SECONDS)
        granted, _ = await repository.take(key, 1, rate, burst, 0.0, now)
        return granted == 1
    return take
