"""Aggregates of users and progress for the staff statistics (reads only)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteRepository


class SQLiteStaff(SQLiteRepository):
    """:class:`~bot.features.staff._repository.StaffRepository` on SQLite."""

    async def users_by_locale(self) -> list[tuple[str, int]]:
        rows = await self.store.db.execute_fetchall(
            "SELECT COALESCE(locale, ''), COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC, 1")
        return [(str(locale), int(n)) for locale, n in rows]

    async def users_by_channel(self) -> list[tuple[str, int]]:
        rows = await self.store.db.execute_fetchall("SELECT channel, COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC, 1")
        return [(str(channel), int(n)) for channel, n in rows]

    async def active_since(self, *since: float) -> tuple[int, ...]:
        if not since:
            return ()
        columns = ", ".join("COALESCE(SUM(last_seen >= ?), 0)" for _ in since)
        rows = await self.store.db.execute_fetchall(f"SELECT {columns} FROM users", since)
        return tuple(int(n) for n in next(iter(rows)))

    async def visits(self) -> list[tuple[str, int]]:
        return [(str(n), int(u)) for n, u in await self.store.db.execute_fetchall("SELECT node_id, user_id FROM visits")]

    async def steps_done(self) -> dict[str, int]:
        rows = await self.store.db.execute_fetchall("SELECT node_id, COUNT(*) FROM steps_done GROUP BY node_id")
        return {str(node): int(n) for node, n in rows}
