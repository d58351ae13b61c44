"""Named leases in the database: a right one process at a time holds, behind :class:`LeaseRepository`."""

from __future__ import annotations

import time
from typing import Protocol

from bot.store._base import RepositoryKey, Store


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
