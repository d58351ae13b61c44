"""Each feature repository's main behaviour, the same against every backend."""

from __future__ import annotations

import json
import time

from bot.channels.webchat._repository import WEBCHAT
from bot.channels.whatsapp._repository import WHATSAPP
from bot.features.broadcast._repository import BROADCASTS
from bot.features.feedback._repository import FEEDBACK, PageScore
from bot.features.privacy._repository import PRIVACY
from bot.features.questions._repository import PENDING_OFFER, QUESTIONS
from bot.features.safety._repository import SAFETY
from bot.features.staff._repository import STAFF
from bot.features.usage._repository import USAGE
from bot.store import INBOX, LEASES, Store

ALL_KEYS = (INBOX, LEASES, BROADCASTS, QUESTIONS, FEEDBACK, USAGE, SAFETY, WHATSAPP, WEBCHAT, PRIVACY,
            STAFF)


async def test_the_store_provides_every_repository_once(store: Store) -> None:
    for key in ALL_KEYS:
        assert store.repository(key) is store.repository(key), key.name


async def subscribers(store: Store, n: int, topic: str = "events") -> list[int]:
    ids = []
    for i in range(n):
        user = await store.get_or_create_user("telegram", f"{700 + i}")
        await store.repository(BROADCASTS).subscribe(user.id, topic)
        ids.append(user.id)
    return ids


async def test_a_broadcast_reaches_each_active_subscriber_once_and_finishes(store: Store) -> None:
    outbox = store.repository(BROADCASTS)
    ids = await subscribers(store, 3)
    await outbox.subscribe(ids[0], "health")  # two matching topics: still one row
    await store.set_active("telegram", "702", False)
    assert await outbox.audience(["events", "health"]) == {("telegram", "en"): 2}
    broadcast = await outbox.create(kind="staff", topics=["events", "health"], texts={"en": "hi"})
    assert broadcast is not None
    assert (await outbox.get(broadcast)).ready  # type: ignore[union-attr]
    rows = await outbox.claim(broadcast, ["telegram"], 10, token="a")
    assert sorted(r.user_id for r in rows) == ids[:2] and all(r.attempts == 1 for r in rows)
    assert await outbox.claim(broadcast, ["telegram"], 10, token="b") == [], "live leases are not taken"
    assert not await outbox.finish_if_done(broadcast)
    await outbox.mark(rows[0].id, "sent")
    await outbox.mark(rows[1].id, "blocked", "blocked by user")
    assert await outbox.finish_if_done(broadcast)
    counts = await outbox.counts(broadcast)
    assert (counts["sent"], counts["blocked"], counts.reasons) == (1, 1, {("blocked", "blocked by user"): 1})
    assert [b.id for b in await outbox.recent()] == [broadcast] and await outbox.unfinished() == []


async def test_an_expired_lease_is_taken_over_and_a_reminder_is_made_once(store: Store) -> None:
    outbox = store.repository(BROADCASTS)
    await subscribers(store, 2)
    now = time.time()
    broadcast = await outbox.create(kind="reminder", topics=["events"], texts={"en": "soon"}, event_id="iftar",
                                    occurrence="2026-12-02")
    assert broadcast is not None
    assert await outbox.create(kind="reminder", topics=["events"], texts={"en": "soon"}, event_id="iftar",
                               occurrence="2026-12-02") is None
    assert (await outbox.find_reminder("iftar", "2026-12-02")).id == broadcast  # type: ignore[union-attr]
    first = await outbox.claim(broadcast, ["telegram"], 1, token="dead", lease_seconds=5, now=now)
    assert len(first) == 1 and await outbox.leased() == 1
    assert await outbox.next_retry(broadcast, ["telegram"], token="live") is not None
    taken = await outbox.claim(broadcast, ["telegram"], 10, token="live", now=now + 6)
    assert len(taken) == 2 and first[0].id in {r.id for r in taken}
    await outbox.retry(first[0].id, now + 60, "429")
    assert await outbox.next_retry(broadcast, ["telegram"], token="live") == now + 60
    assert await outbox.release_expired_claims(now=now + 1000) == 1
    assert await outbox.purge(0, now + 10) == 1 and await outbox.get(broadcast) is None


async def test_tickets_and_unanswered_questions(store: Store) -> None:
    questions = store.repository(QUESTIONS)
    user = await store.get_or_create_user("telegram", "1")
    other = await store.get_or_create_user("telegram", "2")
    draft = await questions.create_ticket(user.id, "ar", "x" * 5000)
    ticket = await questions.ticket(draft)
    assert ticket is not None and (ticket.channel_user_id, ticket.status, len(ticket.question)) == ("1", "draft", 1000)
    await questions.delete_ticket(draft)
    assert await questions.ticket(draft) is None
    sent = await questions.create_ticket(user.id, "ar", "help", status="open")
    assert sent > draft, "ticket numbers are never reused"
    await questions.set_status(sent, "answered")
    assert (await questions.ticket(sent)).status == "answered"  # type: ignore[union-attr]
    now = time.time()
    await questions.record_unanswered(user.id, "Where is the office?", "en", now=now)
    await questions.record_unanswered(other.id, "where is the OFFICE", "en", now=now + 1)
    await questions.record_unanswered(other.id, "bank?", "en", now=now + 2)
    top = await questions.unanswered()
    assert [(u.question, u.count) for u in top] == [("where is the OFFICE", 2), ("bank?", 1)]
    assert await questions.unanswered_by_locale() == [("en", 3)]
    assert await questions.purge_unanswered(0, now + 1.5) == 2, "wordings last asked before the limit go"
    assert await questions.unanswered_by_locale() == [("en", 3)], "the counts name nobody and stay"
    assert await questions.purge_tickets(0, time.time() + 10) == 1


async def test_unsent_offers_close_after_silence(store: Store) -> None:
    user = await store.get_or_create_user("telegram", "1")
    await store.set_pending(user.id, PENDING_OFFER + "en:my question")
    questions = store.repository(QUESTIONS)
    assert await questions.close_unsent(3600, time.time()) == 0
    assert await questions.close_unsent(0, time.time() + 10) == 1
    assert (await store.get_user("telegram", "1")).pending is None  # type: ignore[union-attr]


async def test_reactions_move_page_counts(store: Store) -> None:
    feedback = store.repository(FEEDBACK)
    now = time.time()
    await feedback.shown([("k1", "health", "ar"), ("k2", "health", "ar"), ("k3", None, "ar")], now)
    page = await feedback.page("k1", now - 1)
    assert page is not None and (page.node_id, page.reaction) == ("health", 0)
    await feedback.react("k1", page, 1)
    await feedback.react("k2", (await feedback.page("k2", now - 1)), -1)  # type: ignore[arg-type]
    changed = await feedback.page("k1", now - 1)
    await feedback.react("k1", changed, -1)  # type: ignore[arg-type]
    assert await feedback.scores() == [PageScore("health", "ar", 0, 2)]
    assert await feedback.page("k3", now - 1) is None and await feedback.page("k1", now + 1) is None
    assert await feedback.purge(0, now + 1) == 2


async def test_usage_and_safety_counters(store: Store) -> None:
    usage, safety = store.repository(USAGE), store.repository(SAFETY)
    await store.get_or_create_user("telegram", "1")
    await usage.record_question("2026-11-30", "ar", True)
    await usage.record_question("2026-11-30", "ar", False)
    await usage.record_handoff("health")
    await usage.count_active("2026-11-30", 0)
    assert await usage.weeks(12) == [("2026-11-30", 1, 2)]
    assert await usage.outcomes() == [("ar", 1, 1)]
    assert await usage.handoff_origins(10) == [("health", 1)]
    assert await usage.active_since(0) == 1
    assert await usage.active_since(time.time() + 3600) == 0, "nobody is seen in the future"
    await safety.count("self-harm", "ar")
    await safety.count("self-harm", "ar")
    assert await safety.counts() == {"self-harm": {"ar": 2}}


async def test_whatsapp_ids_and_statuses(store: Store) -> None:
    wa = store.repository(WHATSAPP)
    user = await store.get_or_create_user("whatsapp", "4915")
    now = time.time()
    assert await wa.claim_message("wamid.1", user.id, now - 5, now)
    assert not await wa.claim_message("wamid.1", user.id, now - 5, now), "a redelivery is not claimed twice"
    assert await wa.last_inbound("whatsapp", "4915") == now - 5
    await wa.record_sent("whatsapp", "wamid.out", "4915", now)
    assert await wa.record_status("wamid.out", "read", None, now)
    assert not await wa.record_status("wamid.out", "delivered", None, now), "a status never moves back"
    assert (await wa.status("wamid.out")).status == "read"  # type: ignore[union-attr]
    assert not await wa.record_status("wamid.unknown", "read", None, now)
    assert await wa.purge_inbound(0, now + 1) == 1 and await wa.purge_statuses(0, now + 1) == 1


async def test_web_chat_inbox_in_order_per_session(store: Store) -> None:
    chat = store.repository(WEBCHAT)
    a = await store.get_or_create_user("webchat", "a" * 32)
    b = await store.get_or_create_user("webchat", "b" * 32)
    now = time.time()
    assert await chat.add(a.id, [], now) == []
    assert await chat.latest([a.id, b.id]) == {} and await chat.latest([]) == {}
    welcome, salam = await chat.add(a.id, [json.dumps({"text": "Welcome", "options": [{"label": "Health", "payload": "n:health"}]}),
                                           json.dumps({"text": "سلام", "rtl": True}, ensure_ascii=False)], now)
    first = salam
    [other] = await chat.add(b.id, [json.dumps({"text": "for b"})], now + 1)
    [last] = await chat.add(a.id, ['{"text": "Your question was answered"}'], now + 2)
    assert welcome < salam < other < last, "ids only grow, in order, across sessions"
    assert await chat.latest([a.id, b.id, b.id + 1000]) == {a.id: last, b.id: other}
    texts = [m.data["text"] for m in await chat.after(a.id, 0, 10)]
    assert texts == ["Welcome", "سلام", "Your question was answered"]
    assert (await chat.after(a.id, 0, 10))[0].data["options"] == [{"label": "Health", "payload": "n:health"}]
    assert [m.id for m in await chat.after(a.id, first, 10)] == [last]
    assert [m.data["text"] for m in await chat.after(a.id, 0, 2)] == ["سلام", "Your question was answered"], \
        "the latest ones when there are more"
    got = await chat.get(a.id, last)
    assert got is not None and got.data == {"text": "Your question was answered"}
    assert got.body == '{"text": "Your question was answered"}', "the text as stored, to answer with"
    assert await chat.get(a.id, other) is None, "another session's message is not theirs"
    assert await chat.purge_messages(0.5, now + 2) == 3
    assert [m.id for m in await chat.after(a.id, 0, 10)] == [last] and await chat.after(b.id, 0, 10) == []


async def test_inbox_and_leases(store: Store) -> None:
    inbox, leases = store.repository(INBOX), store.repository(LEASES)
    now = time.time()
    assert await inbox.accept("telegram", "61", "{}", now)
    assert not await inbox.accept("telegram", "61", "{}", now)
    assert await inbox.accept("whatsapp", "61", "{}", now), "ids are per channel"
    assert await inbox.waiting("telegram") == [("61", "{}")]
    await inbox.done("telegram", "61", now)
    assert await inbox.waiting("telegram") == []
    assert await inbox.purge(0, now + 1) == 1
    assert await leases.acquire("send:telegram", "a", now + 30, now)
    assert not await leases.acquire("send:telegram", "b", now + 30, now)
    assert await leases.acquire("send:telegram", "a", now + 60, now), "the holder renews"
    await leases.release("send:telegram", "a", now)
    assert await leases.acquire("send:telegram", "b", now + 30, now + 1)


async def test_privacy_and_staff_aggregates(store: Store) -> None:
    privacy, staff = store.repository(PRIVACY), store.repository(STAFF)
    assert await privacy.setting("pseudonym_key") == ""
    assert await privacy.has_table("users") and not await privacy.has_table("no_such_table")
    a = await store.get_or_create_user("telegram", "1")
    await store.get_or_create_user("whatsapp", "2")
    await store.set_locale(a.id, "ar")
    await store.record_visit(a.id, "health")
    await store.set_step(a.id, "register", True)
    assert await staff.users_by_locale() == [("", 1), ("ar", 1)]
    assert await staff.users_by_channel() == [("telegram", 1), ("whatsapp", 1)]
    assert await staff.active_since(0, time.time() + 10) == (2, 0)
    assert await staff.visits() == [("health", a.id)] and await staff.steps_done() == {"register": 1}
    ticket = await store.repository(QUESTIONS).create_ticket(a.id, "ar", "help", status="open")
    assert await privacy.purge_inactive_users(0, time.time() + 10) == 2
    assert await store.repository(QUESTIONS).closed_reason(ticket) == "expired"
    assert await staff.users_by_channel() == []
