"""A message with a file (an event's calendar file) becomes sendDocument, then the text with its menu."""

from __future__ import annotations

from bot.core import Document, Option, Outgoing
from tests.channels.telegram.conftest import Harness


async def test_a_document_is_sent_before_the_text_and_its_menu(telegram: Harness) -> None:
    user = telegram.user(5301, "en")
    await user.send("/start")
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    message = Outgoing(text="Open the file", options=(Option("Menu", "cmd:menu"),),
                       document=Document("fair.ics", ics, "text/calendar"))
    await telegram.channel.engine.senders["telegram"].send("5301", [message])
    calls = [c for c in telegram.api.calls if c.params.get("chat_id") == 5301][-2:]
    assert [c.method for c in calls] == ["sendDocument", "sendMessage"]
    assert calls[0].params["document"] == {"filename": "fair.ics", "data": ics}
    assert calls[1].params["text"] == "Open the file" and "reply_markup" in calls[1].params
