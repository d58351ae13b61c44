"""The usage counters (migration ``008_usage.sql``)."""

from __future__ import annotations

from bot.store.postgres._store import PostgresRepository


class PostgresUsage(PostgresRepository):
    """:class:`~bot.features.usage._repository.UsageRepository` on PostgreSQL."""

    async def record_question(self, week: str, locale: str, answered: bool) -> None:
        column = "answered" if answered else "not_sure"
        async with self.store.transaction() as db:
            await db.execute("INSERT INTO usage_weeks (week, questions) VALUES ($1, 1) "
                             "ON CONFLICT (week) DO UPDATE SET questions = usage_weeks.questions + 1", week)
            await db.execute(f"INSERT INTO question_outcomes (locale, {column}) VALUES ($1, 1) "
                             f"ON CONFLICT (locale) DO UPDATE SET {column} = question_outcomes.{column} + 1", locale)

    async def record_handoff(self, node_id: str) -> None:
        await self.store.fetch("INSERT INTO handoff_origins (node_id, count) VALUES ($1, 1) "
                               "ON CONFLICT (node_id) DO UPDATE SET count = handoff_origins.count + 1", node_id)

    async def count_active(self, week: str, since: float) -> None:
        await self.store.fetch(
            "INSERT INTO usage_weeks (week, active_users) SELECT $1, COUNT(*) FROM users WHERE last_seen >= $2 "
            "ON CONFLICT (week) DO UPDATE SET active_users = GREATEST(usage_weeks.active_users, EXCLUDED.active_users)",
            week, since)

    async def weeks(self, limit: int) -> list[tuple[str, int, int]]:
        rows = await self.store.fetch(
            "SELECT week, active_users, questions FROM usage_weeks ORDER BY week DESC LIMIT $1", limit)
        return [(str(w), int(a), int(q)) for w, a, q in rows]

    async def outcomes(self) -> list[tuple[str, int, int]]:
        rows = await self.store.fetch(
            "SELECT locale, answered, not_sure FROM question_outcomes ORDER BY answered + not_sure DESC, locale")
        return [(str(loc), int(a), int(n)) for loc, a, n in rows]

    async def handoff_origins(self, limit: int) -> list[tuple[str, int]]:
        rows = await self.store.fetch(
            "SELECT node_id, count FROM handoff_origins ORDER BY count DESC, node_id LIMIT $1", limit)
        return [(str(node), int(n)) for node, n in rows]

    async def active_since(self, since: float) -> int:
        return int(await self.store.fetchval("SELECT COUNT(*) FROM users WHERE last_seen >= $1", since))
