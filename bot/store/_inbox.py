"""The durable inbox of webhook updates, behind :class:`InboxRepository`.

A channel calls :meth:`Inbox.accept` before it acknowledges a webhook and
:meth:`Inbox.done` once the update's turn has run; at start it hands the
updates still waiting (:meth:`Inbox.waiting`) to its handler again.
"""

from __future__ import annotations

import time
from typing import Protocol

from bot.store._base import RepositoryKey, Store


class InboxRepository(Protocol):
    """Webhook updates by channel, deduplicated by the platform's own id."""

    async def accept(self, channel: str, platform_id: str, payload: str, now: float) -> bool:
        """Store a new update (committed when this returns); False for one already received."""

    async def done(self, channel: str, platform_id: str, now: float) -> None:
        """The update's turn has run: forget its content, keep its id against redelivery."""

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""

    async def purge(self, older_than_seconds: float, now: float) -> int:
        """Delete the ids of updates handled before ``now - older_than_seconds``; how many."""


INBOX: RepositoryKey[InboxRepository] = RepositoryKey("inbox")


class Inbox:
    """Updates of one ``channel``, deduplicated by the platform's own id."""

    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel
        self._repository = store.repository(INBOX)

    async def accept(self, platform_id: str, payload: str, now: float | None = None) -> bool:
        """Store a new update (committed when this returns); False for one already received."""
        return await self._repository.accept(self.channel, platform_id, payload, time.time() if now is None else now)

    async def done(self, platform_id: str, now: float | None = None) -> None:
        """The update's turn has run: forget its content, keep its id against redelivery."""
        await self._repository.done(self.channel, platform_id, time.time() if now is None else now)

    async def waiting(self) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""
        return await self._repository.waiting(self.channel)


async def purge_inbox(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete the ids of updates handled before the limit (for the retention job); how many."""
    return await store.repository(INBOX).purge(older_than_seconds, time.time() if now is None else now)
