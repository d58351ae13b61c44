"""/forget deletes every row about a person, in every backend: checked through the repositories."""

from __future__ import annotations

import json
import time

from bot.channels.webchat._repository import WEBCHAT
from bot.channels.whatsapp._repository import WHATSAPP
from bot.features.broadcast._repository import BROADCASTS
from bot.features.feedback._repository import FEEDBACK
from bot.features.questions._repository import QUESTIONS
from bot.features.staff._repository import STAFF
from bot.store import Store


async def test_forget_leaves_no_row_about_the_person_and_keeps_the_others(store: Store) -> None:
    now = time.time()
    gone = await store.get_or_create_user("whatsapp", "4915111")
    kept = await store.get_or_create_user("whatsapp", "4915222")
    broadcasts, questions, whatsapp = store.repository(BROADCASTS), store.repository(QUESTIONS), store.repository(WHATSAPP)
    for user in (gone, kept):
        await store.record_visit(user.id, "health")
        await store.set_step(user.id, "register", True)
        await broadcasts.subscribe(user.id, "events")
        await questions.record_unanswered(user.id, f"where is the office {user.id}", "en", now=now)
        await whatsapp.claim_message(f"wamid.in{user.id}", user.id, now, now)
        await whatsapp.record_sent("whatsapp", f"wamid.out{user.id}", user.channel_user_id, now)
    ticket = await questions.create_ticket(gone.id, "en", "my own words", status="open")
    broadcast = await broadcasts.create(kind="staff", topics=["events"], texts={"en": "hello"})
    assert broadcast is not None and (await broadcasts.counts(broadcast)).total == 2

    await store.forget(gone.id)

    assert await store.get_user("whatsapp", "4915111") is None
    assert await store.visited(gone.id) == set() and await store.steps_done(gone.id) == set()
    assert await broadcasts.subscriptions(gone.id) == set()
    assert await questions.ticket(ticket) is None
    assert await questions.closed_reason(ticket) == "forgotten"
    assert [u.question for u in await questions.unanswered()] == [f"where is the office {kept.id}"]
    assert await whatsapp.last_inbound("whatsapp", "4915111") is None
    assert await whatsapp.status(f"wamid.out{gone.id}") is None
    assert (await broadcasts.counts(broadcast)).total == 1, "the outbox row to the forgotten person is gone"
    assert [n for _, n in await store.repository(STAFF).visits()] == [kept.id]
    # What is left names nobody: the kept person's rows, and counts.
    assert await store.visited(kept.id) == {"health"}
    assert await whatsapp.status(f"wamid.out{kept.id}") is not None
    assert await store.repository(FEEDBACK).scores() == []


async def test_forget_deletes_a_web_chat_session_and_its_inbox(store: Store) -> None:
    chat = store.repository(WEBCHAT)
    gone = await store.get_or_create_user("webchat", "a" * 32)
    kept = await store.get_or_create_user("webchat", "b" * 32)
    for user in (gone, kept):
        await chat.add(user.id, [json.dumps({"text": f"hello {user.id}"})], time.time())
    await store.forget(gone.id)
    assert await store.get_user("webchat", "a" * 32) is None
    assert await chat.after(gone.id, 0, 10) == []
    assert [m.data["text"] for m in await chat.after(kept.id, 0, 10)] == [f"hello {kept.id}"]


async def test_user_tables_name_every_table_of_per_user_rows(store: Store) -> None:
    tables = await store.user_tables()
    assert tables[0] == "users"
    assert {"visits", "steps_done", "subscriptions", "question_tickets", "unanswered_questions",
            "whatsapp_inbound", "whatsapp_statuses", "outbox", "webchat_messages"} <= set(tables)
