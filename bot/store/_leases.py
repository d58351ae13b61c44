"""Named leases in the database: a right one process at a time holds, behind :class:`LeaseRepository`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from bot.errors import StoreError
from bot.store._base import RepositoryKey, Store

log = logging.getLogger("marhaba.leases")

class LeaseRepository(Protocol):
    async def acquire(self, name: str, token: str, until: float, now: float) -> bool:
        """Take or renew ``name`` until ``until``; False when another token's lease runs past ``now``."""

    async def release(self, name: str, token: str, until: float) -> None:
        """Let ``name`` run out at ``until``, only if ``token`` holds it."""


LEASES: RepositoryKey[LeaseRepository] = RepositoryKey("leases")


class Leases:
    """``await leases.acquire("send:telegram", token, 30)``: True while ``token`` holds that lease.

    Acquiring again with the same token renews it; another token gets it only once it ran out.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._repository = store.repository(LEASES)

    async def acquire(self, name: str, token: str, seconds: float, now: float | None = None) -> bool:
        """Take or renew ``name`` for ``seconds``; False when another holder's lease is still running."""
        now = time.time() if now is None else now
        return await self._repository.acquire(name, token, now + seconds, now)

    async def release(self, name: str, token: str, linger: float = 0.0, now: float | None = None) -> None:
        """Give ``name`` up (only if ``token`` holds it); no one else gets it for ``linger`` more seconds."""
        await self._repository.release(name, token, (time.time() if now is None else now) + linger)

    async def run_while_held(self, name: str, work: Callable[[], Coroutine[Any, Any, None]],
                             seconds: float, waiting: asyncio.Event | None = None) -> None:
        """Run ``work()`` in this process only while it holds the lease ``name``; until cancelled.

        Of all the processes on one database calling this with the same ``name``, one runs ``work``:
        the others wait. The holder renews its lease every third of ``seconds``; when it dies (or
        cannot reach the database) the lease runs out and another process takes it and starts
        ``work`` there. A holder that finds its lease lost (it could not renew in time) cancels
        ``work`` at once and waits its turn again. Expiry decides, never a process id: it works
        across machines and PID namespaces. ``work`` ending (or failing) ends this call. ``waiting``
        is set whenever another process was found holding the lease.
        """
        token = "run-" + secrets.token_hex(8)
        every = seconds / 3
        held = False
        try:
            while True:
                held = await self._take(name, token, seconds)
                if not held:
                    if waiting is not None:
                        waiting.set()
                    await asyncio.sleep(every)
                    continue
                log.info("lease %s taken: it runs in this process", name)
                task = asyncio.create_task(work())
                try:
                    while True:
                        done, _ = await asyncio.wait({task}, timeout=every)
                        if done:
                            await task  # its result, or its exception, ends the call
                            return
                        if not await self._take(name, token, seconds):
                            log.warning("lease %s lost (not renewed in time): stopped here, another "
                                        "process takes it over", name)
                            held = False
                            break
                finally:
                    if not task.done():
                        task.cancel()
                        await asyncio.gather(task, return_exceptions=True)
        finally:
            if held:
                with contextlib.suppress(StoreError):
                    await self.release(name, token)  # the next process need not wait for the expiry

    async def _take(self, name: str, token: str, seconds: float) -> bool:
        try:
            return await self.acquire(name, token, seconds)
        except StoreError as exc:
            log.warning("lease %s: the database did not answer (%s)", name, type(exc).__name__)
            return False
