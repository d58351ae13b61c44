"""Named leases (migration ``002_leases.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresLeases(PostgresRepository):
    """:class:`~bot.store.LeaseRepository` on PostgreSQL.

    One statement decides (``INSERT ... ON CONFLICT DO UPDATE ... WHERE``, which locks the row), so of
    any number of processes asking at once exactly one holds a free lease.
    """

    async def acquire(self, name: str, token: str, until: float, now: float) -> bool:
        holder = await self.store.fetchval(
            "INSERT INTO leases (name, token, until) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
            "SET token = EXCLUDED.token, until = EXCLUDED.until "
            "WHERE leases.token = EXCLUDED.token OR leases.until < $4 RETURNING token",
            name, token, until, now)
        return holder is not None

    async def release(self, name: str, token: str, until: float) -> None:
        await self.store.fetch("UPDATE leases SET until = $1 WHERE name = $2 AND token = $3", until, name, token)
