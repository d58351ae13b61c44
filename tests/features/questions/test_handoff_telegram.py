"""Handoff round trip on Telegram, end to end: newcomer -> staff chat -> staff reply -> newcomer.

The real python-telegram-bot Application talks over HTTP to the fake Bot API
(tests/channels/telegram/fake_botapi.py); the staff chat is a group.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from bot.features.questions import questions_of
from tests.channels.telegram.conftest import Harness, TelegramUser
from tests.channels.telegram.fake_botapi import BOT_USER, user
from tests.features.questions.conftest import STAFF_CHAT

_ids = itertools.count(90_000)
STAFF_MEMBER = 4242


def staff_update(text: str, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message of a staff member in the staff group, maybe replying to one of the bot's messages."""
    message: dict[str, Any] = {
        "message_id": next(_ids), "date": int(time.time()), "text": text,
        "chat": {"id": STAFF_CHAT, "type": "supergroup", "title": "Marhaba staff"},
        "from": user(STAFF_MEMBER, "en"),
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to["message_id"], "date": reply_to["date"], "text": reply_to["text"],
            "chat": {"id": STAFF_CHAT, "type": "supergroup", "title": "Marhaba staff"}, "from": BOT_USER,
        }
    return {"message": message}


async def newcomer_asks_a_person(h: Harness, user_id: int, question: str) -> TelegramUser:
    newcomer = h.user(user_id, "ar")
    await newcomer.send("/start")
    await newcomer.press("العربية")
    await newcomer.send(question)
    await newcomer.press("🙋")
    return newcomer


async def test_round_trip_by_replying_to_the_forwarded_ticket(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    newcomer = await newcomer_asks_a_person(h, 7001, "زوجي مسافر ومحتاجة مساعدة بالأوراق الضريبية للمحل")

    forwarded = h.api.calls_of("sendMessage", STAFF_CHAT)
    assert len(forwarded) == 1
    ticket_text = forwarded[0].params["text"]
    assert "#1" in ticket_text and "العربية (ar)" in ticket_text and "telegram" in ticket_text
    assert "الضريبية" in ticket_text
    # The newcomer is told, in Arabic, the ticket number and when staff answer (from the content).
    confirmation = newcomer.texts[-1]
    assert "#1" in confirmation
    hours = h.channel.engine.catalogs.get("ar").content("concerns-talk-to-person.hours",
                                                           "Monday to Saturday, 9:00 to 19:00")
    assert hours in confirmation

    before = len(h.api.calls_of("sendMessage", 7001))
    await h.deliver(staff_update("Please come to the Old Town Center on Monday at 10.",
                                 reply_to=forwarded[0].result))
    to_newcomer = h.api.calls_of("sendMessage", 7001)[before:]
    assert len(to_newcomer) == 1
    assert "Please come to the Old Town Center on Monday at 10." in to_newcomer[0].params["text"]
    assert "#1" in to_newcomer[0].params["text"]
    # Staff see that it was delivered, in the staff chat.
    assert "Sent to the person who asked #1" in h.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    ticket = await questions_of(h.channel.engine.store).ticket(1)
    assert ticket is not None and ticket.status == "answered"


async def test_round_trip_with_the_reply_command(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    await newcomer_asks_a_person(h, 7002, "سؤال عن شي ما موجود بالمحتوى أبداً زززز")
    before = len(h.api.calls_of("sendMessage", 7002))
    await h.deliver(staff_update("/reply 1 Yes, we can help you."))
    to_newcomer = h.api.calls_of("sendMessage", 7002)[before:]
    assert len(to_newcomer) == 1 and "Yes, we can help you." in to_newcomer[0].params["text"]


async def test_staff_chatter_is_ignored_and_unknown_tickets_are_explained(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    await h.deliver(staff_update("good morning everyone"))
    assert h.api.calls_of("sendMessage", STAFF_CHAT) == []
    await h.deliver(staff_update("/reply 77 hello"))
    assert "no open question #77" in h.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    # The staff chat is never asked to choose a language.
    assert "Welcome!" not in h.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]


async def test_other_groups_still_cannot_reply(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    await newcomer_asks_a_person(h, 7003, "سؤال عن شي ما موجود بالمحتوى أبداً زززز")
    update = staff_update("/reply 1 I am not staff")
    update["message"]["chat"] = {"id": -555, "type": "group", "title": "elsewhere"}
    before = len(h.api.calls_of("sendMessage", 7003))
    await h.deliver(update)
    assert h.api.calls_of("sendMessage", 7003)[before:] == []
    assert h.api.calls_of("sendMessage", -555) == []


async def test_a_staff_answer_to_a_person_who_blocked_the_bot_marks_them_inactive(telegram_staffed: Harness) -> None:
    h = telegram_staffed
    await newcomer_asks_a_person(h, 7003, "سؤال عن شي ما موجود بالمحتوى أبداً ققق")
    h.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=7003)
    await h.deliver(staff_update("/reply 1 We can help you."))
    assert "blocked the bot" in h.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    stored = await h.channel.engine.store.get_user("telegram", "7003")
    assert stored is not None and not stored.active  # no reminder or broadcast is tried on them again
