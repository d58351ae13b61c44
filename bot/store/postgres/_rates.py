"""Shared token buckets for the platforms' rate caps (migration ``013_rate_buckets.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository

# $1 key, $2 want, $3 rate, $4 burst, $5 reserve, $6 now. The bucket refills from its stamp to now
# (never backwards: a process whose clock is behind adds nothing), then gives what is above the reserve.
_AVAILABLE = "LEAST($4::float8, b.tokens + GREATEST(0, $6::float8 - b.stamp) * $3::float8)"
_GRANT = f"CAST(LEAST($2::int, GREATEST(0, FLOOR({_AVAILABLE} - $5::float8))) AS INTEGER)"
_FIRST = "CAST(LEAST($2::int, GREATEST(0, FLOOR($4::float8 - $5::float8))) AS INTEGER)"
_TAKE = (
    f"INSERT INTO rate_buckets AS b (key, tokens, stamp, granted) VALUES ($1, $4::float8 - {_FIRST}, $6::float8, "
    f"{_FIRST}) ON CONFLICT (key) DO UPDATE SET tokens = {_AVAILABLE} - {_GRANT}, "
    f"stamp = GREATEST(b.stamp, $6::float8), granted = {_GRANT} RETURNING granted, tokens")


class PostgresRates(PostgresRepository):
    """:class:`~bot.store.RateCapRepository` on PostgreSQL: one ``INSERT ... ON CONFLICT DO UPDATE ...
    RETURNING`` a take, which locks the bucket's row, so takes from any number of processes are serial."""

    async def take(self, key: str, want: int, rate: float, burst: float, reserve: float,
                   now: float) -> tuple[int, float]:
        rows = await self.store.fetch(_TAKE, key, want, rate, burst, reserve, now)
        return int(rows[0]["granted"]), float(rows[0]["tokens"])

    async def purge(self, idle_since: float) -> int:
        rows = await self.store.fetch("DELETE FROM rate_buckets WHERE stamp < $1 RETURNING key", idle_since)
        return len(rows)
