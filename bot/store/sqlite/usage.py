"""The usage counters (migration ``011_feedback_and_usage.sql``)."""

from __future__ import annotations

from bot.store.sqlite._store import SQLiteStore


class SQLiteUsage:
    """:class:`~bot.features.usage._repository.UsageRepository` on SQLite."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def record_question(self, week: str, locale: str, answered: bool) -> None:
        column = "answered" if answered else "not_sure"
        await self.store.write(
            ("INSERT INTO usage_weeks (week, questions) VALUES (?, 1) "
             "ON CONFLICT (week) DO UPDATE SET questions = questions + 1", (week,)),
            (f"INSERT INTO question_outcomes (locale, {column}) VALUES (?, 1) "
             f"ON CONFLICT (locale) DO UPDATE SET {column} = {column} + 1", (locale,)),
        )

    async def record_handoff(self, node_id: str) -> None:
        await self.store.write(("INSERT INTO handoff_origins (node_id, count) VALUES (?, 1) "
                                "ON CONFLICT (node_id) DO UPDATE SET count = count + 1", (node_id,)))

    async def count_active(self, week: str, since: float) -> None:
        await self.store.write(
            ("INSERT INTO usage_weeks (week, active_users) "
             "SELECT ?, COUNT(*) FROM users WHERE last_seen >= ? "
             "ON CONFLICT (week) DO UPDATE SET active_users = MAX(active_users, excluded.active_users)",
             (week, since)))
