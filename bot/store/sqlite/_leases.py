"""Named leases (migration ``016_leases.sql``)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteRepository


class SQLiteLeases(SQLiteRepository):
    """:class:`~bot.store.LeaseRepository` on SQLite."""

    async def acquire(self, name: str, token: str, until: float, now: float) -> bool:
        rows = await self.store.write_returning(
            "INSERT INTO leases (name, token, until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
            "SET token = excluded.token, until = excluded.until "
            "WHERE leases.token = excluded.token OR leases.until < ? RETURNING token",
            (name, token, until, now))
        return bool(rows)

    async def release(self, name: str, token: str, until: float) -> None:
        await self.store.write(("UPDATE leases SET until = ? WHERE name = ? AND token = ?", (until, name, token)))
