"""Upgrading a database made by an older version keeps its rows (the SQLite migrations)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.features.questions import questions_of
from bot.store import Inbox
from bot.store.sqlite import SQLiteStore, migrations


@contextmanager
def made_before(db_path: Path, version: int) -> Iterator[sqlite3.Connection]:
    """A database file as a release before migration ``version`` left it (committed when the body ends)."""
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at REAL NOT NULL)")
        for number, name, sql in (m for m in migrations() if m[0] < version):
            raw.executescript(sql)
            raw.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
        yield raw


async def test_upgrading_a_database_made_before_009_keeps_its_tickets_and_their_numbers(db_path: Path) -> None:
    with made_before(db_path, 9) as raw:
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


async def test_upgrading_to_023_keeps_the_waiting_updates_and_gives_each_its_person(db_path: Path) -> None:
    with made_before(db_path, 23) as raw:
        raw.executemany("INSERT INTO inbox (channel, platform_id, payload, received_at, done_at) VALUES (?, ?, ?, ?, ?)",
                        [("messenger", "m_2", '{"sender": {"id": "psid-7"}, "message": {"text": "b"}}', 2, None),
                         ("messenger", "m_1", '{"sender": {"id": "psid-7"}, "message": {"text": "a"}}', 1, None),
                         ("telegram", "1001", '{"update_id": 1001, "message": {"chat": {"id": 42}}}', 3, None),
                         ("telegram", "1000", None, 0, 0.5)])
    async with SQLiteStore(db_path) as store:
        messenger, telegram = Inbox(store, "messenger"), Inbox(store, "telegram")
        assert await messenger.orphans(0, now=10) == ["psid-7"]
        assert (await messenger.claim_next("psid-7", "run", 10, now=10) or ("",))[0] == "m_1"  # the older first
        assert await telegram.orphans(0, now=10) == ["42"]  # its chat
        assert not await telegram.accept("1000", "{}")  # a handled id still refuses its redelivery
