"""Upgrading a database made by an older version keeps its rows (the SQLite migrations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.features.questions import questions_of
from bot.store.sqlite import SQLiteStore, migrations


async def test_upgrading_a_database_made_before_009_keeps_its_tickets_and_their_numbers(db_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at REAL NOT NULL)")
        for version, name, sql in (m for m in migrations() if m[0] < 9):
            raw.executescript(sql)
            raw.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
        raw.execute("INSERT INTO users (id, channel, channel_user_id, created_at, last_seen) "
                    "VALUES (3, 'telegram', '42', 1, 1)")
        raw.execute("INSERT INTO question_tickets (id, user_id, locale, question, status, created_at, updated_at) "
                    "VALUES (5, 3, 'ar', 'old question', 'open', 1, 1)")
    async with SQLiteStore(db_path) as store:
        qs = questions_of(store)
        old = await qs.ticket(5)
        assert old is not None and (old.user_id, old.question, old.status) == (3, "old question", "open")
        await store.forget(3)
        user = await store.get_or_create_user("telegram", "43")
        assert await qs.create_ticket(user.id, "ar", "new", status="open") == 6
        assert await qs.closed_reason(5) == "forgotten"
