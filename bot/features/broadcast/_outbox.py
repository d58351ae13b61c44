"""The broadcast feature's storage: its repository, from whichever store the engine has."""

from __future__ import annotations

import time

from bot.features.broadcast._repository import (
    BROADCASTS,
    DONE_STATES,
    LEASE_SECONDS,
    STATES,
    UNSUCCESSFUL_STATES,
    Broadcast,
    BroadcastRepository,
    Counts,
    OutboxState,
    Row,
)
from bot.store import Store

__all__ = ["BROADCASTS", "DONE_STATES", "LEASE_SECONDS", "STATES", "UNSUCCESSFUL_STATES", "Broadcast",
           "BroadcastRepository", "Counts", "OutboxState", "Row", "outbox_of", "purge_broadcasts"]


def outbox_of(store: Store) -> BroadcastRepository:
    """The subscriptions, broadcasts and outbox of ``store``."""
    return store.repository(BROADCASTS)


async def purge_broadcasts(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete broadcasts finished (or, never finished, created) more than ``older_than_seconds`` ago, with
    their outbox rows (the recipients' platform ids); how many broadcasts went."""
    return await outbox_of(store).purge(older_than_seconds, time.time() if now is None else now)
