"""The durable inbox of webhook updates (migration ``003_inbox.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresInbox(PostgresRepository):
    """:class:`~bot.store.InboxRepository` on PostgreSQL: each call one statement, committed when it returns."""

    async def accept(self, channel: str, platform_id: str, payload: str, now: float) -> bool:
        row = await self.store.fetchval(
            "INSERT INTO inbox (channel, platform_id, payload, received_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
            channel, platform_id, payload, now)
        return row is not None

    async def done(self, channel: str, platform_id: str, now: float) -> None:
        await self.store.fetch("UPDATE inbox SET payload = NULL, done_at = $1 WHERE channel = $2 AND platform_id = $3",
                               now, channel, platform_id)

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        rows = await self.store.fetch("SELECT platform_id, payload FROM inbox WHERE channel = $1 AND done_at IS NULL "
                                      "ORDER BY received_at", channel)
        return [(str(r[0]), str(r[1])) for r in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("DELETE FROM inbox WHERE done_at < $1 RETURNING platform_id",
                                      now - older_than_seconds)
        return len(rows)
