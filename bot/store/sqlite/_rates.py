"""Shared token buckets for the platforms' rate caps (migration ``024_rate_buckets.sql``)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteRepository

# :key, :want, :rate, :burst, :reserve, :now. As PostgreSQL's (bot/store/postgres/_rates.py); CAST truncates
# toward zero, which is FLOOR for the non-negative amounts it is given here.
_AVAILABLE = "min(:burst, b.tokens + max(0, :now - b.stamp) * :rate)"
_GRANT = f"min(:want, max(0, CAST({_AVAILABLE} - :reserve AS INTEGER)))"
_FIRST = "min(:want, max(0, CAST(:burst - :reserve AS INTEGER)))"
_TAKE = (
    f"INSERT INTO rate_buckets AS b (key, tokens, stamp, granted) VALUES (:key, :burst - {_FIRST}, :now, {_FIRST}) "
    f"ON CONFLICT (key) DO UPDATE SET tokens = {_AVAILABLE} - {_GRANT}, stamp = max(b.stamp, :now), "
    f"granted = {_GRANT} RETURNING granted, tokens")


class SQLiteRates(SQLiteRepository):
    """:class:`~bot.store.RateCapRepository` on SQLite: one statement in the writer's ``BEGIN IMMEDIATE``
    transaction, so takes from every process on the file are serial."""

    async def take(self, key: str, want: int, rate: float, burst: float, reserve: float,
                   now: float) -> tuple[int, float]:
        rows = await self.store.write_returning(_TAKE, {"key": key, "want": want, "rate": rate, "burst": burst,
                                                        "reserve": reserve, "now": now})  # type: ignore[arg-type]
        return int(rows[0][0]), float(rows[0][1])

    async def purge(self, idle_since: float) -> int:
        rows = await self.store.write_returning("DELETE FROM rate_buckets WHERE stamp < ? RETURNING key",
                                                (idle_since,))
        return len(rows)
