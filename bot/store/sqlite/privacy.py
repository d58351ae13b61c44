"""The privacy feature's reads and deletions: the legacy key setting, table checks, inactive users."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteRepository


class SQLitePrivacy(SQLiteRepository):
    """:class:`~bot.features.privacy._repository.PrivacyRepository` on SQLite."""

    async def setting(self, name: str) -> str:
        rows = await self.store.db.execute_fetchall("SELECT value FROM settings WHERE name = ?", (name,))
        return str(next(iter(rows))[0]) if rows else ""

    async def delete_setting(self, name: str) -> None:
        await self.store.write(("DELETE FROM settings WHERE name = ?", (name,)))

    async def has_table(self, name: str) -> bool:
        rows = await self.store.db.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    async def purge_inactive_users(self, older_than_seconds: float, now: float) -> int:
        cutoff = now - older_than_seconds
        # Their tickets close as 'expired', not 'forgotten': staff are told the truth (migration 009).
        close_tickets = ("INSERT OR IGNORE INTO closed_tickets (id, reason, closed_at) "
                         "SELECT t.id, 'expired', ? FROM question_tickets t JOIN users u ON u.id = t.user_id "
                         "WHERE u.last_seen < ? AND t.status <> 'draft'", (now, cutoff))
        rows = await self.store.write_returning("DELETE FROM users WHERE last_seen < ? RETURNING id", (cutoff,),
                                                before=(close_tickets,))
        return len(rows)
