"""One user's conversation: turns in order, replies sent inside the turn, one retry and blocked policy.

Every channel needs the same three things around :meth:`Engine.handle`:

* **isolation** — one user's updates are handled one at a time, in the order they came, replies
  included, so a fast double tap can never leave an older menu on screen; different users run
  concurrently. :class:`Isolation` is a lock per user (aiogram's event isolation), re-entrant
  within a task so that a channel can take it for a whole update (its own bookkeeping included)
  while the engine takes it again for the turn. When several processes serve one database, the
  store's lock on the user (:meth:`Store.user_lock`, an advisory lock on PostgreSQL) is taken too,
  inside this one, so one user's turns run one at a time across every worker.
* **retry** — a platform that asks to slow down is waited out up to a budget
  (:class:`RetryPolicy`, :func:`retrying`), then the caller gets :class:`RetryLater`.
* **blocked → inactive** — a user who blocked the bot is marked inactive, in :func:`mark_blocked`
  only, whichever path found out (a reply, a broadcast, a staff answer).

A channel then only translates: :meth:`Engine.handle` with a ``deliver`` callback sends the
replies while the user's lock is still held (see :func:`deliver_reply`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TypeVar

from bot.core._delivery import Blocked, DeliveryError, RetryLater
from bot.core._events import Incoming, Outgoing
from bot.store import Store

log = logging.getLogger("marhaba.conversation")

T = TypeVar("T")

Deliver = Callable[[Incoming, list[Outgoing]], Awaitable[None]]
"""A channel's way to send one turn's replies; raises :class:`DeliveryError` when it cannot."""

Across = Callable[[Hashable], AbstractAsyncContextManager[object] | None]
"""The lock on a key across processes (``None``: one process serves the database, its own lock suffices)."""


class Isolation:
    """A lock per key (``(channel, user id)``), dropped when nobody holds or waits for it.

    The lock is re-entrant for the task that holds it: a channel may hold a user's lock around
    a whole update and call :meth:`Engine.handle`, which takes the same lock, inside it.
    Waiters are served first come, first served (``asyncio.Lock`` is fair), so updates that take
    the lock in the order they arrive are handled in that order.

    ``across`` gives the key's lock across processes (:meth:`Store.user_lock`); it is taken once this
    process's lock is held, so a process waits on it for one task per key at most.
    """

    def __init__(self, across: Across | None = None) -> None:
        self._locks: dict[Hashable, _Entry] = {}
        self.across = across

    def __len__(self) -> int:
        """Keys with a holder or a waiter (0 when idle: nothing is kept per user)."""
        return len(self._locks)

    def lock(self, key: Hashable) -> _Hold:
        """Hold ``key``'s lock for the body of an ``async with`` (a plain object, not a generator: it is
        taken twice on every update, by the channel and by the turn)."""
        return _Hold(self, key)


class _Entry:
    __slots__ = ("lock", "owner", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.owner: asyncio.Task[object] | None = None
        self.users = 0


class _Hold:
    """One ``async with isolation.lock(key)``: re-entrant for the task that holds the key."""

    __slots__ = ("entry", "isolation", "key", "outer", "reentrant")

    def __init__(self, isolation: Isolation, key: Hashable) -> None:
        self.isolation, self.key = isolation, key
        self.entry: _Entry | None = None
        self.outer: AbstractAsyncContextManager[object] | None = None
        self.reentrant = False

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        locks = self.isolation._locks
        entry = locks.get(self.key)
        if entry is not None and task is not None and entry.owner is task:
            self.reentrant = True  # already held by this task (a channel's update around the engine's turn)
            return
        if entry is None:
            entry = locks[self.key] = _Entry()
        entry.users += 1
        self.entry = entry
        try:
            await entry.lock.acquire()
        except BaseException:  # cancelled while waiting: no longer a waiter
            self._leave()
            raise
        entry.owner = task
        across = self.isolation.across
        outer = across(self.key) if across is not None else None
        if outer is not None:
            try:
                await outer.__aenter__()
            except BaseException:
                self._release()
                raise
            self.outer = outer

    async def __aexit__(self, *exc: object) -> None:
        if self.reentrant or self.entry is None:
            return
        try:
            if self.outer is not None:
                await self.outer.__aexit__(None, None, None)
        finally:
            self._release()

    def _release(self) -> None:
        assert self.entry is not None
        self.entry.owner = None
        self.entry.lock.release()
        self._leave()

    def _leave(self) -> None:
        assert self.entry is not None
        self.entry.users -= 1
        if self.entry.users == 0:
            self.isolation._locks.pop(self.key, None)


@dataclass(frozen=True)
class RetryPolicy:
    """How long a send waits out a platform's "slow down" before giving up with :class:`RetryLater`.

    ``max_wait`` is the total seconds one call may spend waiting (0: never wait, the caller
    reschedules — the broadcast drainer pauses the whole channel instead).
    """

    max_wait: float = 0.0


REPLY_RETRY = RetryPolicy(max_wait=60.0)
"""Replies inside a turn: a person is waiting, so a platform's short flood-control pause is waited out."""


async def retrying(call: Callable[[], Awaitable[T]], policy: RetryPolicy, *,
                   sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                   channel: str = "") -> T:
    """Run ``call``, waiting out :class:`RetryLater` while the total wait stays within ``policy``."""
    waited = 0.0
    while True:
        try:
            return await call()
        except RetryLater as exc:
            if waited + exc.retry_after > policy.max_wait:
                raise
            log.warning("%s flood control: waiting %.0f s", channel or "platform", exc.retry_after)
            await sleep(exc.retry_after)
            waited += exc.retry_after


async def mark_blocked(store: Store, channel: str, user_id: str) -> None:
    """The user blocked the bot (or deleted their account): stop messaging them until they write again."""
    await store.set_active(channel, user_id, False)


async def deliver_reply(store: Store, event: Incoming, messages: list[Outgoing], deliver: Deliver,
                        pseudonym: Callable[[str, str], str]) -> None:
    """Send one turn's replies through ``deliver``; a failure is logged (never raised) and a block recorded."""
    try:
        await deliver(event, messages)
    except Blocked:
        await mark_blocked(store, event.channel, event.user_id)
        log.info("a %s user blocked the bot; marked inactive (user=%s)", event.channel,
                 pseudonym(event.channel, event.user_id))
    except DeliveryError as exc:
        log.warning("%s reply not delivered (user=%s): %s", event.channel, pseudonym(event.channel, event.user_id),
                    type(exc).__name__)
