"""End to end on every channel: the emergency number is the first thing the person sees, callable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.channels.whatsapp.conftest import WhatsAppHarness, text_webhook
from tests.channels.whatsapp.fake_graph import FakeGraph
from tests.conftest import PROJECT, make_engine
from tests.features.safety.conftest import CALLABLE, first_line, install, settings


def test_terminal_chat_leads_with_the_number(tmp_path: Path) -> None:
    env = {**os.environ, "MARHABA_DB": str(tmp_path / "m.db")}
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "ar"],
                            input="بدي موت ما بقى فيني كمل\n", capture_output=True, text=True, env=env,
                            cwd=PROJECT, timeout=60)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if line.strip() and not line.startswith(">")]
    assert first_line(lines[0]).lstrip("> ").strip() == "+90 212 555 0100", result.stdout[:300]


@pytest.fixture
async def telegram_safety(fake_api: FakeBotAPI, sample_tree: ContentTree, catalogs: Catalogs,
                          store: SQLiteStore) -> AsyncIterator[Harness]:
    env = telegram_settings(fake_api, MARHABA_CONTENT=str(PROJECT / "content"))
    engine = install(make_engine(content=sample_tree, catalogs=catalogs, store=store), env)
    channel = TelegramChannel(TelegramSettings.from_settings(env), engine, WebServer("127.0.0.1", 0))
    harness = Harness(fake_api, channel)
    await channel.start()
    yield harness
    await channel.stop()


@pytest.fixture
def fake_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI().start()
    yield api  # type: ignore[misc]
    api.stop()


async def test_telegram_reply_leads_with_a_callable_number(telegram_safety: Harness) -> None:
    user = telegram_safety.user(8101, "tr")
    await user.send("/start")
    await user.press("Türkçe")
    await user.send("kocam beni dövüyor")
    sent = [c for c in user.calls if c.method == "sendMessage"]
    number = first_line(sent[0].params["text"])
    assert number == "+90 800 555 0170" and CALLABLE.match(number)
    assert "reply_markup" not in sent[0].params or not sent[0].params["reply_markup"], "no number hidden in a button"
    assert any("🆘" in b["text"] for b in user.menu)


async def test_telegram_flood_notice_keeps_the_menu_and_a_disclosure_is_still_answered(
        telegram_safety: Harness) -> None:
    from bot.core import FloodControl, FloodLimits

    telegram_safety.channel.engine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=1, cooldown_seconds=600))
    user = telegram_safety.user(8102, "en")
    await user.send("/start")  # taps (and /commands) have three times the typing burst: 3
    await user.press("English")
    await user.press("Health")
    menu = list(user.menu)
    await user.press(menu[0]["text"])  # the fourth tap runs out: the notice
    assert [c.method for c in user.calls if c.method != "answerCallbackQuery"] == ["sendMessage"]
    assert user.menu == menu, "the pressed menu keeps its buttons; the notice is a new message"
    await user.send("i want to kill myself")
    assert first_line([c for c in user.calls if c.method == "sendMessage"][0].params["text"]) == "+90 212 555 0100"


async def test_whatsapp_reply_leads_with_a_callable_number(db_path: Path, sample_tree: ContentTree,
                                                          catalogs: Catalogs) -> None:
    graph = FakeGraph()
    await graph.start()
    wa = await WhatsAppHarness(graph, db_path, sample_tree, catalogs).start()
    try:
        install(wa.engine, settings())
        await wa.post(text_webhook("905550001122", "ninkaygu wuu i garaacaa", "wamid.s1"))
        first = wa.fake.to("905550001122")[0]
        text = first.get("text", {}).get("body") or first["interactive"]["body"]["text"]
        number = first_line(text)
        assert number == "+90 800 555 0170" and CALLABLE.match(number)
    finally:
        await wa.stop()
        await graph.stop()


STAFF_CHAT = -1001234567890
STAFF_USER = 4343


@pytest.fixture
async def telegram_staffed(fake_api: FakeBotAPI, sample_tree: ContentTree, catalogs: Catalogs,
                           store: SQLiteStore) -> AsyncIterator[Harness]:
    env = telegram_settings(fake_api, MARHABA_CONTENT=str(PROJECT / "content"), MARHABA_STAFF_CHAT=str(STAFF_CHAT),
                            MARHABA_STAFF=f"telegram:{STAFF_USER}")
    engine = install(make_engine(content=sample_tree, catalogs=catalogs, store=store, staff=env.staff), env)
    channel = TelegramChannel(TelegramSettings.from_settings(env), engine, WebServer("127.0.0.1", 0))
    harness = Harness(fake_api, channel)
    await channel.start()
    yield harness
    await channel.stop()


async def test_the_urgent_ticket_reaches_the_staff_chat_and_staff_users_and_forget_removes_it(
        telegram_staffed: Harness) -> None:
    from bot.features.questions import questions_of

    h = telegram_staffed
    user = h.user(8201, "ar")
    await user.send("/start")
    await user.press("العربية")
    await user.send("الكفيل ماخد جوازي وحابسني بالبيت")
    await user.press("🆘")
    assert "#1" in user.texts[-1]
    for recipient in (STAFF_CHAT, STAFF_USER):
        forwarded = h.api.calls_of("sendMessage", recipient)
        assert forwarded and forwarded[-1].params["text"].startswith("🚨 URGENT · Question #1")
        assert "forced labour or a held passport" in forwarded[-1].params["text"]
        assert "جوازي" not in forwarded[-1].params["text"], "the person's words are not passed on or kept"
    store = h.channel.engine.store
    assert await questions_of(store).ticket(1) is not None  # type: ignore[arg-type]
    await user.send("/forget")
    await user.press("🗑")
    assert await questions_of(store).ticket(1) is None  # type: ignore[arg-type]


async def test_telegram_forget_is_answered_during_a_cooldown(telegram_safety: Harness) -> None:
    from bot.core import FloodControl, FloodLimits

    telegram_safety.channel.engine.flood = FloodControl(FloodLimits(rate_per_minute=1, burst=1, cooldown_seconds=600))
    user = telegram_safety.user(8103, "en")
    await user.send("/start")
    await user.press("English")
    await user.send("clinic")
    await user.send("clinic")  # the notice: silenced
    await user.send("clinic")
    assert user.texts == []
    await user.send("/forget")
    assert "Delete everything?" in user.texts[0]
    await user.press("🗑")
    assert "has been deleted" in user.texts[0]
