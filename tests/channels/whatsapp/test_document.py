"""A message with a file: uploaded to the media endpoint, then sent as a document message by its id."""

from __future__ import annotations

import time

from bot.core import Document, Outgoing
from tests.channels.whatsapp.conftest import WhatsAppHarness, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph

USER = "4915100000077"


async def test_a_document_is_uploaded_and_sent_before_the_text(wa: WhatsAppHarness, fake_graph: FakeGraph) -> None:
    await wa.post(text_webhook(USER, "hello", "wamid.doc1", int(time.time())))
    before = len(fake_graph.to(USER))
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    await wa.channel.sender.send(USER, [Outgoing(text="Open the file",
                                                 document=Document("fair.ics", ics, "text/calendar"))])
    doc, text = fake_graph.to(USER)[before:]
    assert doc["type"] == "document" and doc["document"]["filename"] == "fair.ics"
    media = fake_graph.media[doc["document"]["id"]]
    assert media["data"] == ics and media["type"] == "text/calendar" and media["filename"] == "fair.ics"
    assert text["text"]["body"] == "Open the file"
    assert fake_graph.rejected == []
