"""The safety counters (migration ``009_safety.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresSafety(PostgresRepository):
    """:class:`~bot.features.safety._repository.SafetyRepository` on PostgreSQL."""

    async def count(self, category: str, locale: str) -> None:
        await self.store.fetch("INSERT INTO safety_matches (category, locale, count) VALUES ($1, $2, 1) "
                               "ON CONFLICT (category, locale) DO UPDATE SET count = safety_matches.count + 1",
                               category, locale)

    async def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for category, locale, count in await self.store.fetch(
                "SELECT category, locale, count FROM safety_matches ORDER BY category, locale"):
            out.setdefault(category, {})[locale] = count
        return out
