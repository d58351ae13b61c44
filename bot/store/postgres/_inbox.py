"""The durable inbox of webhook updates (migrations ``003_inbox.sql``, ``012_inbox_claims.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresInbox(PostgresRepository):
    """:class:`~bot.store.InboxRepository` on PostgreSQL: each call one statement, committed when it returns."""

    async def accept(self, channel: str, platform_id: str, payload: str, now: float,
                     user_key: str | None = None, kept_as: str | None = None) -> bool:
        row = await self.store.fetchval(
            "INSERT INTO inbox (channel, platform_id, payload, received_at, user_key) SELECT $1, $2, $3, $4, $5 "
            "WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE channel = $1 AND platform_id = $6) "
            "ON CONFLICT (channel, platform_id) DO NOTHING RETURNING platform_id",
            channel, platform_id, payload, now, user_key, kept_as or platform_id)
        return row is not None

    async def claim_next(self, channel: str, user_key: str, token: str, until: float,
                         now: float) -> tuple[str, str] | None:
        # The head of the user's queue, locked, is claimed only if nobody else's claim on it still runs:
        # a row behind it is never taken first, so one user's updates are handled in the order accepted.
        rows = await self.store.fetch(
            "WITH head AS (SELECT id, claimed_by, claim_until FROM inbox "
            "WHERE channel = $1 AND user_key = $2 AND done_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE) "
            "UPDATE inbox SET claimed_by = $3, claim_until = $4 FROM head WHERE inbox.id = head.id "
            "AND (head.claimed_by IS NULL OR head.claimed_by = $3 OR head.claim_until < $5) "
            "RETURNING inbox.platform_id, inbox.payload", channel, user_key, token, until, now)
        return (str(rows[0][0]), str(rows[0][1])) if rows else None

    async def renew(self, token: str, until: float) -> None:
        await self.store.fetch("UPDATE inbox SET claim_until = $1 WHERE claimed_by = $2 AND done_at IS NULL",
                               until, token)

    async def release(self, token: str) -> None:
        await self.store.fetch("UPDATE inbox SET claimed_by = NULL, claim_until = NULL "
                               "WHERE claimed_by = $1 AND done_at IS NULL", token)

    async def orphans(self, channel: str, now: float, unclaimed_before: float) -> list[str]:
        rows = await self.store.fetch(
            "SELECT DISTINCT user_key FROM inbox WHERE channel = $1 AND done_at IS NULL AND user_key IS NOT NULL "
            "AND (claim_until < $2 OR (claimed_by IS NULL AND received_at < $3))", channel, now, unclaimed_before)
        return sorted(str(r[0]) for r in rows)

    async def done(self, channel: str, platform_id: str, now: float, kept_as: str | None = None) -> None:
        await self.store.fetch("UPDATE inbox SET platform_id = $4, payload = NULL, done_at = $1, user_key = NULL, "
                               "claimed_by = NULL, claim_until = NULL WHERE channel = $2 AND platform_id = $3",
                               now, channel, platform_id, kept_as or platform_id)

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        rows = await self.store.fetch("SELECT platform_id, payload FROM inbox WHERE channel = $1 AND done_at IS NULL "
                                      "ORDER BY received_at, id", channel)
        return [(str(r[0]), str(r[1])) for r in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("DELETE FROM inbox WHERE done_at < $1 RETURNING platform_id",
                                      now - older_than_seconds)
        return len(rows)
