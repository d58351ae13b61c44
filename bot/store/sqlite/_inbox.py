"""The durable inbox of webhook updates (migrations ``017_inbox.sql``, ``023_inbox_claims.sql``)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteStore


class SQLiteInbox:
    """:class:`~bot.store.InboxRepository` on SQLite."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self._forgets_at: dict[tuple[str, str], int] = {}
        """``store.forgets`` when each waiting update arrived, by (channel, platform id)."""
        self._forgets_at_start = store.forgets

    async def accept(self, channel: str, platform_id: str, payload: str, now: float,
                     user_key: str | None = None, kept_as: str | None = None) -> bool:
        forgets = self.store.forgets
        rows = await self.store.write_returning(
            "INSERT INTO inbox (channel, platform_id, payload, received_at, user_key) SELECT ?, ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE channel = ? AND platform_id = ?) "
            "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
            (channel, platform_id, payload, now, user_key, channel, kept_as or platform_id))
        if rows:
            self._forgets_at[(channel, platform_id)] = forgets
        return bool(rows)

    async def claim_next(self, channel: str, user_key: str, token: str, until: float,
                         now: float) -> tuple[str, str] | None:
        # Only the head of the user's queue, and only if nobody else's claim on it still runs.
        rows = await self.store.write_returning(
            "UPDATE inbox SET claimed_by = ?, claim_until = ? WHERE id = (SELECT id FROM inbox "
            "WHERE channel = ? AND user_key = ? AND done_at IS NULL ORDER BY id LIMIT 1) "
            "AND (claimed_by IS NULL OR claimed_by = ? OR claim_until < ?) RETURNING platform_id, payload",
            (token, until, channel, user_key, token, now))
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    async def renew(self, token: str, until: float) -> None:
        await self.store.write(("UPDATE inbox SET claim_until = ? WHERE claimed_by = ? AND done_at IS NULL",
                                (until, token)))

    async def release(self, token: str) -> None:
        await self.store.write(("UPDATE inbox SET claimed_by = NULL, claim_until = NULL "
                                "WHERE claimed_by = ? AND done_at IS NULL", (token,)))

    async def orphans(self, channel: str, now: float, unclaimed_before: float) -> list[str]:
        rows = await self.store.db.execute_fetchall(
            "SELECT DISTINCT user_key FROM inbox WHERE channel = ? AND done_at IS NULL AND user_key IS NOT NULL "
            "AND (claim_until < ? OR (claimed_by IS NULL AND received_at < ?)) ORDER BY user_key",
            (channel, now, unclaimed_before))
        return [str(r[0]) for r in rows]

    async def done(self, channel: str, platform_id: str, now: float, kept_as: str | None = None) -> None:
        await self.store.write(("UPDATE inbox SET platform_id = ?, payload = NULL, done_at = ?, user_key = NULL, "
                                "claimed_by = NULL, claim_until = NULL WHERE channel = ? AND platform_id = ?",
                                (kept_as or platform_id, now, channel, platform_id)))
        if self.store.forgets != self._forgets_at.pop((channel, platform_id), self._forgets_at_start):
            # Someone was deleted while this update waited, maybe by this very update ("forget:yes", which
            # holds their id): the forget checkpointed the WAL before this copy was cleared, so again.
            await self.store.truncate_wal()

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        rows = await self.store.db.execute_fetchall(
            "SELECT platform_id, payload FROM inbox WHERE channel = ? AND done_at IS NULL ORDER BY received_at, id",
            (channel,))
        return [(str(r[0]), str(r[1])) for r in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.write_returning("DELETE FROM inbox WHERE done_at < ? RETURNING platform_id",
                                                (now - older_than_seconds,))
        return len(rows)
