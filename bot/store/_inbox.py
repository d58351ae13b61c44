"""The durable inbox of webhook updates (migration ``017_inbox.sql``).

A channel calls :meth:`Inbox.accept` before it acknowledges a webhook and
:meth:`Inbox.done` once the update's turn has run; at start it hands the
updates still waiting (:meth:`Inbox.waiting`) to its handler again.
"""

from __future__ import annotations

import time

from bot.store._sqlite import SQLiteStore


class Inbox:
    """Updates of one ``channel``, deduplicated by the platform's own id."""

    def __init__(self, store: SQLiteStore, channel: str) -> None:
        self.store = store
        self.channel = channel
        self._forgets_at: dict[str, int] = {}
        """``store.forgets`` when each waiting update arrived, by platform id."""
        self._forgets_at_start = store.forgets

    async def accept(self, platform_id: str, payload: str, now: float | None = None) -> bool:
        """Store a new update (committed when this returns); False for one already received."""
        forgets = self.store.forgets
        rows = await self.store.write_returning(
            "INSERT INTO inbox (channel, platform_id, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
            (self.channel, platform_id, payload, time.time() if now is None else now))
        if rows:
            self._forgets_at[platform_id] = forgets
        return bool(rows)

    async def done(self, platform_id: str, now: float | None = None) -> None:
        """The update's turn has run: forget its content, keep its id against redelivery."""
        await self.store.write(("UPDATE inbox SET payload = NULL, done_at = ? WHERE channel = ? AND platform_id = ?",
                                (time.time() if now is None else now, self.channel, platform_id)))
        if self.store.forgets != self._forgets_at.pop(platform_id, self._forgets_at_start):
            # Someone was deleted while this update waited, maybe by this very update ("forget:yes", which
            # holds their id): the forget checkpointed the WAL before this copy was cleared, so again.
            await self.store.truncate_wal()

    async def waiting(self) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""
        rows = await self.store.db.execute_fetchall(
            "SELECT platform_id, payload FROM inbox WHERE channel = ? AND done_at IS NULL ORDER BY received_at",
            (self.channel,))
        return [(str(r[0]), str(r[1])) for r in rows]


async def purge_inbox(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete the ids of updates handled before the limit (for the retention job); how many."""
    rows = await store.write_returning("DELETE FROM inbox WHERE done_at < ? RETURNING platform_id",
                                       ((time.time() if now is None else now) - older_than_seconds,))
    return len(rows)
