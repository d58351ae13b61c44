"""The durable inbox of webhook updates (migration ``017_inbox.sql``)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteStore


class SQLiteInbox:
    """:class:`~bot.store.InboxRepository` on SQLite."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self._forgets_at: dict[tuple[str, str], int] = {}
        """``store.forgets`` when each waiting update arrived, by (channel, platform id)."""
        self._forgets_at_start = store.forgets

    async def accept(self, channel: str, platform_id: str, payload: str, now: float) -> bool:
        forgets = self.store.forgets
        rows = await self.store.write_returning(
            "INSERT INTO inbox (channel, platform_id, payload, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
            (channel, platform_id, payload, now))
        if rows:
            self._forgets_at[(channel, platform_id)] = forgets
        return bool(rows)

    async def done(self, channel: str, platform_id: str, now: float) -> None:
        await self.store.write(("UPDATE inbox SET payload = NULL, done_at = ? WHERE channel = ? AND platform_id = ?",
                                (now, channel, platform_id)))
        if self.store.forgets != self._forgets_at.pop((channel, platform_id), self._forgets_at_start):
            # Someone was deleted while this update waited, maybe by this very update ("forget:yes", which
            # holds their id): the forget checkpointed the WAL before this copy was cleared, so again.
            await self.store.truncate_wal()

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        rows = await self.store.db.execute_fetchall(
            "SELECT platform_id, payload FROM inbox WHERE channel = ? AND done_at IS NULL ORDER BY received_at",
            (channel,))
        return [(str(r[0]), str(r[1])) for r in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.write_returning("DELETE FROM inbox WHERE done_at < ? RETURNING platform_id",
                                                (now - older_than_seconds,))
        return len(rows)
