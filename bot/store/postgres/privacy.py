"""The privacy feature's reads and deletions: the legacy key setting, table checks, inactive users."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresPrivacy(PostgresRepository):
    """:class:`~bot.features.privacy._repository.PrivacyRepository` on PostgreSQL."""

    async def setting(self, name: str) -> str:
        value = await self.store.fetchval("SELECT value FROM settings WHERE name = $1", name)
        return "" if value is None else str(value)

    async def delete_setting(self, name: str) -> None:
        await self.store.fetch("DELETE FROM settings WHERE name = $1", name)

    async def has_table(self, name: str) -> bool:
        return bool(await self.store.fetchval(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name = $1)", name))

    async def purge_inactive_users(self, older_than_seconds: float, now: float) -> int:
        cutoff = now - older_than_seconds
        async with self.store.transaction() as db:
            # Their tickets close as 'expired', not 'forgotten' (which the trigger of 005 would record after
            # the user row went): staff are told the truth.
            await db.execute("INSERT INTO closed_tickets (id, reason, closed_at) "
                             "SELECT t.id, 'expired', $1 FROM question_tickets t JOIN users u ON u.id = t.user_id "
                             "WHERE u.last_seen < $2 AND t.status <> 'draft' ON CONFLICT (id) DO NOTHING", now, cutoff)
            rows = await db.fetch("DELETE FROM users WHERE last_seen < $1 RETURNING id", cutoff)
        return len(rows)
