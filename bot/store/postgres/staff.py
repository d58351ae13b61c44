"""Aggregates of users and progress for the staff statistics (reads only)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresStaff(PostgresRepository):
    """:class:`~bot.features.staff._repository.StaffRepository` on PostgreSQL. Text is ordered byte by byte
    (``COLLATE "C"``), as SQLite orders it, whatever the database's locale."""

    async def users_by_locale(self) -> list[tuple[str, int]]:
        rows = await self.store.fetch(
            "SELECT COALESCE(locale, ''), COUNT(*) FROM users GROUP BY 1 "
            "ORDER BY 2 DESC, COALESCE(locale, '') COLLATE \"C\"")
        return [(str(locale), int(n)) for locale, n in rows]

    async def users_by_channel(self) -> list[tuple[str, int]]:
        rows = await self.store.fetch(
            "SELECT channel, COUNT(*) FROM users GROUP BY 1 ORDER BY 2 DESC, channel COLLATE \"C\"")
        return [(str(channel), int(n)) for channel, n in rows]

    async def active_since(self, *since: float) -> tuple[int, ...]:
        if not since:
            return ()
        columns = ", ".join(f"COUNT(*) FILTER (WHERE last_seen >= ${i})" for i in range(1, len(since) + 1))
        rows = await self.store.fetch(f"SELECT {columns} FROM users", *since)
        return tuple(int(n) for n in rows[0])

    async def visits(self) -> list[tuple[str, int]]:
        return [(str(n), int(u)) for n, u in await self.store.fetch("SELECT node_id, user_id FROM visits")]

    async def steps_done(self) -> dict[str, int]:
        rows = await self.store.fetch("SELECT node_id, COUNT(*) FROM steps_done GROUP BY node_id")
        return {str(node): int(n) for node, n in rows}
