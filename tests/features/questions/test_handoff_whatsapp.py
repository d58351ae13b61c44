"""A WhatsApp newcomer's question goes to the Telegram staff chat, and the staff reply reaches WhatsApp.

Both channels are real: the signed webhook server and the Cloud API client
against the fake Graph API, PTB against the fake Bot API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.features.questions import FEATURE
from bot.i18n import Catalogs
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.channels.whatsapp.conftest import WhatsAppHarness, reply_webhook, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.features.questions.conftest import STAFF_CHAT
from tests.features.questions.test_handoff_telegram import staff_update

WA_ID = "905551112233"


@pytest.fixture
async def both(fake_api: FakeBotAPI, db_path: Path, sample_tree: ContentTree,
               catalogs: Catalogs) -> AsyncIterator[tuple[WhatsAppHarness, Harness]]:
    graph = FakeGraph()
    await graph.start()
    wa = await WhatsAppHarness(graph, db_path, sample_tree, catalogs).start()
    env = telegram_settings(fake_api, MARHABA_STAFF_CHAT=str(STAFF_CHAT))
    wa.engine.add_feature(FEATURE, env)
    channel = TelegramChannel(TelegramSettings.from_settings(env), wa.engine, WebServer("127.0.0.1", 0))
    tg = Harness(fake_api, channel)
    await channel.start()
    yield wa, tg
    await channel.stop()
    await wa.stop()
    await graph.stop()


def body(message: dict) -> str:
    return message.get("text", {}).get("body") or message["interactive"]["body"]["text"]


def button_ids(message: dict) -> list[str]:
    action = message["interactive"]["action"]
    if "buttons" in action:
        return [b["reply"]["id"] for b in action["buttons"]]
    return [row["id"] for section in action["sections"] for row in section["rows"]]


async def test_whatsapp_newcomer_receives_the_staff_reply(both: tuple[WhatsAppHarness, Harness]) -> None:
    wa, tg = both
    await wa.post(text_webhook(WA_ID, "Merhaba", "wamid.q1"))
    await wa.post(reply_webhook(WA_ID, "lang:tr", "wamid.q2"))
    await wa.post(text_webhook(WA_ID, "komşumun köpeği bütün gece havlıyor ne yapabilirim", "wamid.q3"))
    offer = wa.fake.to(WA_ID)[-1]
    ask = next(i for i in button_ids(offer) if i.startswith("q:ask:"))
    await wa.post(reply_webhook(WA_ID, ask, "wamid.q4"))
    assert "#1" in body(wa.fake.to(WA_ID)[-1])

    forwarded = await tg.api.wait_for("sendMessage", STAFF_CHAT)
    assert "Türkçe (tr)" in forwarded[0].params["text"] and "whatsapp" in forwarded[0].params["text"]
    before = len(wa.fake.to(WA_ID))
    await tg.deliver(staff_update("Komşunuzla önce sakin konuşun.", reply_to=forwarded[0].result))
    relayed = wa.fake.to(WA_ID)[before:]
    assert len(relayed) == 1
    assert "Komşunuzla önce sakin konuşun." in body(relayed[0]) and "#1" in body(relayed[0])
    assert "Sent to the person" in tg.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]


async def test_outside_the_whatsapp_window_staff_are_told(both: tuple[WhatsAppHarness, Harness]) -> None:
    wa, tg = both
    await wa.post(text_webhook(WA_ID, "Merhaba", "wamid.w1"))
    await wa.post(reply_webhook(WA_ID, "lang:tr", "wamid.w2"))
    await wa.post(text_webhook(WA_ID, "komşumun köpeği bütün gece havlıyor ne yapabilirim", "wamid.w3"))
    ask = next(i for i in button_ids(wa.fake.to(WA_ID)[-1]) if i.startswith("q:ask:"))
    await wa.post(reply_webhook(WA_ID, ask, "wamid.w4"))
    wa.fake.closed_window.add(WA_ID)
    await tg.deliver(staff_update("/reply 1 Merhaba"))
    told = tg.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    assert "Not delivered (whatsapp): we can answer only within 24 hours" in told  # the channel, by name
