"""The safety counters (migration ``012_safety.sql``)."""

from __future__ import annotations

import sqlite3

from bot.store.sqlite._store import SQLiteRepository


class SQLiteSafety(SQLiteRepository):
    """:class:`~bot.features.safety._repository.SafetyRepository` on SQLite."""

    async def count(self, category: str, locale: str) -> None:
        await self.store.write((
            "INSERT INTO safety_matches (category, locale, count) VALUES (?, ?, 1) "
            "ON CONFLICT (category, locale) DO UPDATE SET count = count + 1", (category, locale)))

    async def counts(self) -> dict[str, dict[str, int]]:
        try:
            rows = await self.store.db.execute_fetchall(
                "SELECT category, locale, count FROM safety_matches ORDER BY category, locale")
        except sqlite3.OperationalError:  # an older database without migration 012
            return {}
        out: dict[str, dict[str, int]] = {}
        for category, locale, count in rows:
            out.setdefault(category, {})[locale] = count
        return out
