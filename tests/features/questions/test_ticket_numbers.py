"""A ticket number is never given out twice, and a staff answer reaches only the ticket's own person.

The defect this guards against: user A's ticket #1 was deleted (/forget or the
retention purge), user B's next ticket was numbered #1 again, and a staff answer
to A's old ticket message was delivered to B.
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.features.questions import questions_of
from bot.features.questions._store import purge_tickets
from bot.store import SQLiteStore
from tests.channels.telegram.conftest import Harness, TelegramUser
from tests.channels.whatsapp.conftest import WhatsAppHarness, reply_webhook, text_webhook
from tests.features.questions.conftest import STAFF_CHAT
from tests.features.questions.test_handoff_telegram import newcomer_asks_a_person, staff_update
from tests.features.questions.test_handoff_whatsapp import WA_ID, body, both, button_ids

__all__ = ["both"]  # the fixture of the WhatsApp handoff tests: both channels on one engine

UNMATCHED = "سؤال عن شي ما موجود بالمحتوى أبداً زززز"


async def forget(newcomer: TelegramUser) -> None:
    await newcomer.send("/forget")
    await newcomer.press("🗑")


def staff_texts(h: Harness) -> list[str]:
    return [c.params["text"] for c in h.api.calls_of("sendMessage", STAFF_CHAT)]


async def test_after_forget_the_next_ticket_gets_a_new_number_and_the_old_answer_goes_nowhere(
        telegram_staffed: Harness) -> None:
    h = telegram_staffed
    a = await newcomer_asks_a_person(h, 7101, UNMATCHED)
    old_ticket_message = h.api.calls_of("sendMessage", STAFF_CHAT)[0].result
    assert "#1" in old_ticket_message["text"]
    await forget(a)

    b = await newcomer_asks_a_person(h, 7102, "سؤال تاني ما إله جواب بالمحتوى قققق")
    assert "#2" in b.texts[-1] and "#1" not in b.texts[-1]
    assert "#2" in staff_texts(h)[-1]

    to_a, to_b = len(h.api.calls_of("sendMessage", 7101)), len(h.api.calls_of("sendMessage", 7102))
    await h.deliver(staff_update("An answer meant for A only.", reply_to=old_ticket_message))
    assert h.api.calls_of("sendMessage", 7102)[to_b:] == []
    assert h.api.calls_of("sendMessage", 7101)[to_a:] == []
    assert "Ticket #1 is closed: the person asked us to delete their data" in staff_texts(h)[-1]
    assert "Sent to the person" not in staff_texts(h)[-1]


async def test_reply_command_to_a_forgotten_ticket_is_refused_and_sends_nothing(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    a = await newcomer_asks_a_person(h, 7111, UNMATCHED)
    await forget(a)
    await newcomer_asks_a_person(h, 7112, "سؤال تاني ما إله جواب بالمحتوى قققق")
    sent_to_a = len(h.api.calls_of("sendMessage", 7111))
    sent_to_b = len(h.api.calls_of("sendMessage", 7112))

    await h.deliver(staff_update("/reply 1 An answer meant for A only."))
    assert "Ticket #1 is closed: the person asked us to delete their data" in staff_texts(h)[-1]
    assert len(h.api.calls_of("sendMessage", 7111)) == sent_to_a
    assert len(h.api.calls_of("sendMessage", 7112)) == sent_to_b
    # B's own ticket still works.
    await h.deliver(staff_update("/reply 2 Your answer, B."))
    assert "Your answer, B." in h.api.calls_of("sendMessage", 7112)[-1].params["text"]


async def test_after_the_retention_purge_the_next_ticket_gets_a_new_number(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    store = h.channel.engine.store
    await newcomer_asks_a_person(h, 7121, UNMATCHED)
    # The purge runs as if 31 days had passed: A's ticket goes, A stays.
    await purge_tickets(store, 30 * 86400, now=time.time() + 31 * 86400)
    assert await questions_of(store).ticket(1) is None

    b = await newcomer_asks_a_person(h, 7122, "سؤال تاني ما إله جواب بالمحتوى قققق")
    assert "#2" in b.texts[-1]
    sent_to_a = len(h.api.calls_of("sendMessage", 7121))
    sent_to_b = len(h.api.calls_of("sendMessage", 7122))
    await h.deliver(staff_update("/reply 1 Too late."))
    assert "Ticket #1 is closed: it was deleted after the retention period" in staff_texts(h)[-1]
    assert len(h.api.calls_of("sendMessage", 7121)) == sent_to_a
    assert len(h.api.calls_of("sendMessage", 7122)) == sent_to_b


async def test_inactive_users_purged_by_retention_close_their_tickets_as_expired(store: SQLiteStore) -> None:
    from bot.features.privacy._retention import purge_inactive_users
    qs = questions_of(store)
    user = await store.get_or_create_user("telegram", "7131")
    ticket = await qs.create_ticket(user.id, "ar", "a question", status="open")
    assert await purge_inactive_users(store, -60) == 1  # everyone is "older" than the future cutoff
    assert await qs.ticket(ticket) is None
    assert await qs.closed_reason(ticket) == "expired"
    newer = await qs.create_ticket((await store.get_or_create_user("telegram", "7132")).id, "ar", "q", "open")
    assert newer > ticket


async def test_ticket_numbers_survive_a_restart(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        first = await questions_of(store).create_ticket(user.id, "en", "q", status="open")
        await store.forget(user.id)
    async with SQLiteStore(db_path) as store:
        user = await store.get_or_create_user("telegram", "2")
        second = await questions_of(store).create_ticket(user.id, "en", "q", status="open")
        assert second > first
        assert await questions_of(store).closed_reason(first) == "forgotten"


async def test_drafts_leave_no_closed_ticket_behind(store: SQLiteStore) -> None:
    qs = questions_of(store)
    user = await store.get_or_create_user("telegram", "1")
    draft = await qs.create_ticket(user.id, "en", "never sent to staff")
    await store.forget(user.id)
    assert await qs.closed_reason(draft) is None


async def test_a_whatsapp_newcomers_forgotten_ticket_is_not_answered_to_the_next_one(
        both: tuple[WhatsAppHarness, Harness]) -> None:
    wa, tg = both

    async def asks(wa_id: str, prefix: str) -> None:
        await wa.post(text_webhook(wa_id, "Merhaba", f"wamid.{prefix}1"))
        await wa.post(reply_webhook(wa_id, "lang:tr", f"wamid.{prefix}2"))
        await wa.post(text_webhook(wa_id, "komşumun köpeği bütün gece havlıyor ne yapabilirim", f"wamid.{prefix}3"))
        ask = next(i for i in button_ids(wa.fake.to(wa_id)[-1]) if i.startswith("q:ask:"))
        await wa.post(reply_webhook(wa_id, ask, f"wamid.{prefix}4"))

    await asks(WA_ID, "a")
    forwarded = await tg.api.wait_for("sendMessage", STAFF_CHAT)
    assert "#1" in forwarded[0].params["text"]
    await wa.post(text_webhook(WA_ID, "/forget", "wamid.a5"))
    confirm = next(i for i in button_ids(wa.fake.to(WA_ID)[-1]) if i.startswith("forget:yes"))
    await wa.post(reply_webhook(WA_ID, confirm, "wamid.a6"))

    other = "905559998877"
    await asks(other, "b")
    assert "#2" in body(wa.fake.to(other)[-1])
    before_a, before_b = len(wa.fake.to(WA_ID)), len(wa.fake.to(other))
    await tg.deliver(staff_update("Meant for the first person.", reply_to=forwarded[0].result))
    assert "Ticket #1 is closed: the person asked us to delete their data" in \
        tg.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    assert len(wa.fake.to(WA_ID)) == before_a and len(wa.fake.to(other)) == before_b
