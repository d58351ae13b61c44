"""Tickets and unanswered questions in SQLite: no identity, retention, /forget."""

from __future__ import annotations

import time

from bot.core import Engine
from bot.features.questions import purge_unanswered, questions_of
from bot.features.questions._store import purge_tickets
from bot.store import SQLiteStore
from tests.features.questions.conftest import english
from tests.store import data


async def test_unanswered_questions_belong_to_who_asked_but_are_listed_without_identity(store: SQLiteStore) -> None:
    tables = await store.user_tables()
    assert "unanswered_questions" in tables and "question_tickets" in tables  # so /forget reaches them
    assert "unanswered_counts" not in tables
    qs = questions_of(store)
    a = await store.get_or_create_user("test", "a")
    b = await store.get_or_create_user("test", "b")
    await qs.record_unanswered(a.id, "Where is the bazaar?", "en", now=100)
    await qs.record_unanswered(b.id, "where is the bazaar", "en", now=200)
    await qs.record_unanswered(b.id, "where is the bazaar", "en", now=300)
    [row] = await qs.unanswered()
    assert (row.question, row.count, row.first_at, row.last_at) == ("where is the bazaar", 3, 100, 300)
    assert set(vars(row)) == {"question", "locale", "count", "first_at", "last_at"}
    await store.forget(b.id)
    [row] = await qs.unanswered()
    assert (row.question, row.count) == ("Where is the bazaar?", 1), "only b's words went"


async def test_purge_deletes_only_texts_older_than_the_retention(store: SQLiteStore) -> None:
    qs = questions_of(store)
    user = await store.get_or_create_user("test", "u1")
    now = time.time()
    await qs.record_unanswered(user.id, "old question", "en", now=now - 40 * 86400)
    await qs.record_unanswered(user.id, "recent question", "ar", now=now - 86400)
    old_ticket = await qs.create_ticket(user.id, "en", "old ticket", now=now - 40 * 86400)
    new_ticket = await qs.create_ticket(user.id, "en", "new ticket", now=now)
    assert await purge_unanswered(store, 30 * 86400, now=now) == 1
    assert await purge_tickets(store, 30 * 86400, now=now) == 1
    assert [r.question for r in await qs.unanswered()] == ["recent question"]
    assert await qs.ticket(old_ticket) is None
    assert await qs.ticket(new_ticket) is not None


async def test_asking_again_refreshes_the_stored_wording_and_time(store: SQLiteStore) -> None:
    qs = questions_of(store)
    user = await store.get_or_create_user("test", "u1")
    now = time.time()
    await qs.record_unanswered(user.id, "Weather?", "en", now=now - 40 * 86400)
    await qs.record_unanswered(user.id, "weather", "en", now=now)
    await purge_unanswered(store, 30 * 86400, now=now)
    rows = await qs.unanswered()
    assert [(r.question, r.count, r.last_at) for r in rows] == [("weather", 2, now)]


async def test_an_unanswered_question_is_offered_but_no_ticket_is_made(staffed: Engine, store: SQLiteStore) -> None:
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    assert any(o.payload == "q:ask:offer" for m in chat.last for o in m.options)
    assert await data.count(store, "question_tickets") == 0
    user = await store.get_user("test", "u1")
    assert user is not None and user.pending == "q:offer:en:what is the weather tomorrow"
    await chat("/menu")  # the person moves on: the offer closes, its text goes
    user = await store.get_user("test", "u1")
    assert user is not None and user.pending is None


async def test_forget_deletes_the_users_questions(staffed: Engine, store: SQLiteStore) -> None:
    chat = await english(staffed)
    await chat("what is the weather tomorrow")
    user = await store.get_user("test", "u1")
    assert user is not None
    await questions_of(store).create_ticket(user.id, "en", "a question for staff", status="open")
    await store.forget(user.id)
    assert await data.count(store, "question_tickets") == 0
    assert await questions_of(store).unanswered() == []
