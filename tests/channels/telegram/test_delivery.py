"""Telegram's limits and failures: blocked users, flood control, long text, restarts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.channels._text import utf16_length
from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.core import Blocked, Option, Outgoing
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.conftest import make_engine

BLOCKED = "Forbidden: bot was blocked by the user"


async def test_blocked_user_is_marked_inactive_and_not_messaged_until_they_write(telegram: Harness) -> None:
    store = telegram.channel.engine.store
    user = telegram.user(5201, "en")
    telegram.api.fail("sendMessage", 403, BLOCKED, chat_id=5201)
    await user.send("/start")
    stored = await store.get_user("telegram", "5201")
    assert stored is not None and not stored.active

    sender = telegram.channel.engine.senders["telegram"]
    before = len(telegram.api.calls)
    with pytest.raises(Blocked):
        await sender.send("5201", [Outgoing(text="A new event")])
    assert telegram.api.calls[before:] == []

    await user.send("/start")
    assert user.labels[0] == "✓ English"
    stored = await store.get_user("telegram", "5201")
    assert stored is not None and stored.active
    await sender.send("5201", [Outgoing(text="A new event")])
    assert telegram.api.calls_of("sendMessage", 5201)[-1].params["text"] == "A new event"


async def test_the_sender_reports_a_block_and_leaves_the_marking_to_the_core(telegram: Harness) -> None:
    # Blocked -> inactive lives in bot.core.mark_blocked, called by whoever sent (a turn's replies, a
    # broadcast, a staff answer); the channel's sender only says what happened.
    user = telegram.user(5202, "en")
    await user.send("/start")
    telegram.api.fail("sendMessage", 403, BLOCKED, chat_id=5202)
    with pytest.raises(Blocked):
        await telegram.channel.engine.senders["telegram"].send("5202", [Outgoing(text="Reminder")])
    stored = await telegram.channel.engine.store.get_user("telegram", "5202")
    assert stored is not None and stored.active


# PTB itself reads the deprecated int ``retry_after`` when it builds the exception.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_retry_after_is_honoured(telegram: Harness) -> None:
    user = telegram.user(5203, "en")
    telegram.api.fail("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1},
                      chat_id=5203)
    await user.send("/start")
    first, second = telegram.api.calls_of("sendMessage", 5203)
    assert second.at - first.at >= 0.95
    assert second.params["text"] == first.params["text"]
    assert user.labels[0] == "✓ English"


async def test_a_message_longer_than_4096_characters_is_split_on_boundaries(telegram: Harness) -> None:
    user = telegram.user(5204, "en")
    await user.send("/start")
    paragraphs = [f"Paragraph {i}: " + "Words & <tags> in a sentence. " * 30 for i in range(12)]
    long_text = "\n\n".join(paragraphs)
    assert len(long_text) > 2 * 4096
    message = Outgoing(text=long_text, title="Long 🗺 page", options=(Option("🏠 Main menu", "cmd:menu"),))
    await telegram.channel.engine.senders["telegram"].send("5204", [message])

    sent = telegram.api.calls_of("sendMessage", 5204)[1:]
    assert len(sent) >= 3
    plain = [re.sub(r"</?b>", "", c.params["text"]).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
             for c in sent]
    assert all(utf16_length(p) <= 4096 for p in plain)
    assert all(p.startswith("Paragraph") for p in plain[1:])  # cut at paragraph boundaries
    assert "\n\n".join(plain) == f"Long 🗺 page\n\n{long_text}".strip()
    assert sent[0].params["text"].startswith("<b>Long 🗺 page</b>")
    assert [("reply_markup" in c.params) for c in sent] == [False] * (len(sent) - 1) + [True]


async def test_progress_survives_a_restart_of_the_application(
        fake_api: FakeBotAPI, sample_tree: ContentTree, catalogs: Catalogs, tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    settings = TelegramSettings.from_settings(telegram_settings(fake_api))

    async def run(script):
        async with SQLiteStore(db) as store:
            engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
            channel = TelegramChannel(settings, engine, WebServer("127.0.0.1", 0))
            harness = Harness(fake_api, channel)
            await channel.start()
            try:
                return await script(harness.user(5205, "ar"))
            finally:
                await channel.stop()

    async def before(user):
        await user.send("/start")
        await user.press("English")
        await user.press("Health")
        await user.press("Get a health card")
        await user.press("Mark as done")
        await user.send("/progress")
        return user.texts[0]

    async def after(user):
        await user.send("/progress")
        return user.texts[0]

    progress_before = await run(before)
    assert "1 of" in progress_before
    assert await run(after) == progress_before
