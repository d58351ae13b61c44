"""A channel's inbox turned into turns: per user, in the order acknowledged, across every worker.

A channel's webhook calls :meth:`InboxTurns.accept` for each update before it answers the platform:
the update is committed to the inbox (:class:`bot.store.Inbox`) with its user's key, so a worker
killed from then on loses nothing, and a redelivered update is refused there. Then a task of this
worker takes the user's lock (the engine's :class:`~bot.core.Isolation`: this process's lock, then
the store's lock across processes, an advisory lock on PostgreSQL) and, holding it, handles that
user's updates not yet done one by one, oldest first, whichever worker acknowledged them: two
messages of one person that reach two workers are answered in order.

Each row is claimed for this run (a random token, never a process id) until an expiry renewed every
few seconds while the worker lives; a worker that stops releases its claims. Rows of a dead worker
(claims run out) and rows nobody took (a worker killed between the commit and its task) are found
every few seconds by a sweep in every worker and handled; a row a live worker claimed never is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable

from bot.core import Engine
from bot.logs import pseudonym, safe_traceback
from bot.store import Inbox

log = logging.getLogger("marhaba.inbox")

CLAIM_SECONDS = 10.0
"""A claim runs out this long after its last renewal: a dead worker's rows wait at most this (plus a sweep)."""
RENEW_SECONDS = 3.0
"""A live worker renews its claims this often (one statement for all of them)."""
SWEEP_SECONDS = 2.0
"""How often each worker looks for rows nobody is handling."""
UNCLAIMED_SECONDS = 5.0
"""A row nobody claimed for this long is taken over (its worker died before its task began)."""

Handle = Callable[[str, str], Awaitable[None]]
"""``handle(platform_id, payload)``: one stored update's turn, the user's lock held."""


class InboxTurns:
    """The inbox of ``channel`` and the tasks that answer it; ``handle`` runs one stored update."""

    def __init__(self, engine: Engine, channel: str, handle: Handle, *, grace: float = 10.0) -> None:
        self.engine = engine
        self.channel = channel
        self.inbox = Inbox(engine.store, channel)
        self.token = secrets.token_hex(16)
        """This run's claims: a new token every start, so a restarted worker never mistakes old claims for its own."""
        self.grace = grace
        self._handle = handle
        self._tasks: set[asyncio.Task[None]] = set()
        self._queued: set[str] = set()
        """Users whose task here waits for their lock: it will see every row committed before it takes it."""
        self._busy: dict[str, int] = {}
        self._keeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Answer what waits (one process per database: everything; else what no live worker claims), and
        begin renewing this run's claims and sweeping for rows nobody handles."""
        # One process serves a SQLite file: whatever it finds claimed was claimed by a run that is gone.
        await self._sweep(0.0, now=math.inf if self.engine.store.single_process else None)
        self._keeper = asyncio.create_task(self._keep())

    async def stop(self) -> None:
        """Let the turns in progress finish (for ``grace`` seconds), then release this run's claims."""
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=self.grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        try:
            await self.inbox.release(self.token)
        except Exception as exc:  # they run out by themselves
            log.warning("%s inbox claims not released (%s)", self.channel, type(exc).__name__)

    @property
    def running(self) -> int:
        """Tasks of this worker handling (or about to handle) updates."""
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Wait until every update accepted so far by this worker has been handled (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)

    async def accept(self, platform_id: str, payload: str, user: str) -> bool:
        """Commit one update of ``user`` to the inbox and see that it is answered; False for a redelivery.

        Raises :class:`~bot.errors.StoreError` when it could not be stored (answer the platform 503: it
        delivers again)."""
        fresh = await self.inbox.accept(platform_id, payload, user=user)
        if fresh:
            self.answer(user)
        return fresh

    def answer(self, user: str) -> None:
        """See that ``user``'s waiting updates are handled, in order (nothing new if a task here is about to)."""
        if user in self._queued:
            return
        self._queued.add(user)
        self._busy[user] = self._busy.get(user, 0) + 1
        task = asyncio.create_task(self._drain(user))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, user: str) -> None:
        try:
            async with self.engine.isolation.lock((self.channel, user)):
                self._queued.discard(user)
                while (row := await self.inbox.claim_next(user, self.token, CLAIM_SECONDS)) is not None:
                    platform_id, payload = row
                    try:
                        await self._handle(platform_id, payload)
                    except Exception as exc:  # never handled again in a loop: logged, and done
                        log.error("%s turn failed (user=%s): %s", self.channel, pseudonym(self.channel, user),
                                  safe_traceback(exc))
                    await self.inbox.done(platform_id)
        except Exception as exc:  # the store unavailable: the rows wait, and a sweep takes them later
            log.error("%s inbox not handled now (user=%s): %s", self.channel, pseudonym(self.channel, user),
                      type(exc).__name__)
        finally:
            self._queued.discard(user)
            self._busy[user] -= 1
            if not self._busy[user]:
                del self._busy[user]

    async def _keep(self) -> None:
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                if time.monotonic() - renewed >= RENEW_SECONDS:
                    await self.inbox.renew(self.token, CLAIM_SECONDS)
                    renewed = time.monotonic()
                await self._sweep(UNCLAIMED_SECONDS)
            except Exception as exc:
                log.error("%s inbox sweep failed: %s", self.channel, safe_traceback(exc))

    async def _sweep(self, unclaimed_for: float, now: float | None = None) -> None:
        users = [u for u in await self.inbox.orphans(unclaimed_for, now=now) if u not in self._busy]
        for user in users:
            self.answer(user)
        if users:
            log.info("%s: updates of %d users that no worker was handling are handled now", self.channel,
                     len(users))
