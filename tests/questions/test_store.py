"""Tickets and unanswered questions in SQLite: no identity, retention, /forget."""

from __future__ import annotations

import time

from bot.core import Engine
from bot.questions import QuestionStore, purge_unanswered
from bot.store import SQLiteStore
from tests.questions.conftest import english


async def test_unanswered_questions_carry_no_user_identity(store: SQLiteStore) -> None:
    columns = {r[1] for r in await store.db.execute_fetchall("PRAGMA table_info(unanswered_questions)", ())}
    assert columns == {"question_key", "locale", "question", "count", "first_at", "last_at"}
    assert "unanswered_questions" not in await store.user_tables()
    assert "question_tickets" in await store.user_tables()


async def test_purge_deletes_only_texts_older_than_the_retention(store: SQLiteStore) -> None:
    qs = QuestionStore(store)
    user = await store.get_or_create_user("test", "u1")
    now = time.time()
    await qs.record_unanswered("old question", "en", now=now - 40 * 86400)
    await qs.record_unanswered("recent question", "ar", now=now - 86400)
    old_ticket = await qs.create_ticket(user.id, "en", "old ticket", now=now - 40 * 86400)
    new_ticket = await qs.create_ticket(user.id, "en", "new ticket", now=now)
    await purge_unanswered(store, 30 * 86400, now=now)
    assert [r.question for r in await qs.unanswered()] == ["recent question"]
    assert await qs.ticket(old_ticket) is None
    assert await qs.ticket(new_ticket) is not None


async def test_asking_again_refreshes_the_stored_wording_and_time(store: SQLiteStore) -> None:
    qs = QuestionStore(store)
    now = time.time()
    await qs.record_unanswered("Weather?", "en", now=now - 40 * 86400)
    await qs.record_unanswered("weather", "en", now=now)
    await purge_unanswered(store, 30 * 86400, now=now)
    rows = await qs.unanswered()
    assert [(r.question, r.count, r.last_at) for r in rows] == [("weather", 2, now)]


async def test_forget_deletes_the_users_tickets(staffed: Engine, store: SQLiteStore) -> None:
    chat = await english(staffed)
    await chat("what is the weather tomorrow")  # a draft ticket is offered
    user = await store.get_user("test", "u1")
    assert user is not None
    assert await store.db.execute_fetchall("SELECT 1 FROM question_tickets WHERE user_id = ?", (user.id,))
    await store.forget(user.id)
    assert not await store.db.execute_fetchall("SELECT 1 FROM question_tickets", ())
    # The unanswered question stays: it is not about anyone.
    assert [r.question for r in await QuestionStore(store).unanswered()] == ["what is the weather tomorrow"]
