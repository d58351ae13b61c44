"""A web chat newcomer reaches staff and hears back, and broadcasts reach the session's inbox: in
Chromium with JavaScript off and on.

The staff group is a real Telegram channel (python-telegram-bot) against the fake Bot API; the web
chat is served on 127.0.0.1 by the same engine, as ``marhaba run`` with ``MARHABA_WEBCHAT=1`` runs them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import expect

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.channels.webchat.conftest import BOT, WAIT_MS, Person, WebChat, running_webchat
from tests.conftest import PROJECT, SAMPLE_CONTENT
from tests.features.questions.conftest import STAFF_CHAT
from tests.features.questions.test_handoff_telegram import staff_update

QUESTION = "my neighbour's dog barks all night what can I do"
"""A question the sample content does not answer: the bot offers a person."""


@pytest.fixture
def fake_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI().start()
    yield api  # type: ignore[misc]
    api.stop()


@pytest.fixture
def env(fake_api: FakeBotAPI) -> Settings:
    return telegram_settings(fake_api, MARHABA_STAFF_CHAT=str(STAFF_CHAT), MARHABA_CONTENT=str(SAMPLE_CONTENT))


@pytest.fixture
async def webchat(env: Settings, sample_tree: ContentTree, catalogs: Catalogs,
                  db_path: Path) -> AsyncIterator[WebChat]:
    async with running_webchat(sample_tree, catalogs, db_path, env) as chat:
        yield chat


@pytest.fixture
async def staff(env: Settings, fake_api: FakeBotAPI, webchat: WebChat) -> AsyncIterator[Harness]:
    """The Telegram staff group, on the web chat's engine."""
    channel = TelegramChannel(TelegramSettings.from_settings(env), webchat.engine, WebServer("127.0.0.1", 0))
    harness = Harness(fake_api, channel)
    await channel.start()
    yield harness
    await channel.stop()


async def test_a_question_goes_to_staff_and_their_reply_reaches_the_chat(person: Person, webchat: WebChat,
                                                                        staff: Harness) -> None:
    offer = await person.say(QUESTION)
    assert any("🙋" in label for label in await person.page.locator("#options button").all_inner_texts()), offer
    confirmation = await person.press("🙋")
    assert "#1" in confirmation[0]
    forwarded = await staff.api.wait_for("sendMessage", STAFF_CHAT)
    assert "webchat" in forwarded[0].params["text"] and "dog barks" in forwarded[0].params["text"]

    answer = "Talk to your neighbour first; if it goes on, call the city office on weekdays."
    await staff.deliver(staff_update(answer, reply_to=forwarded[0].result))
    assert "Sent to the person" in staff.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]
    if not person.scripts:  # the answer waits in the inbox: it is there when the page is opened again
        await person.open(webchat.url)
    last = person.page.locator(BOT).last
    await expect(last).to_contain_text(answer, timeout=WAIT_MS)
    await expect(last).to_contain_text("#1")


async def test_a_broadcast_from_marhaba_broadcast_reaches_the_session(person: Person, webchat: WebChat,
                                                                      db_path: Path) -> None:
    await person.say("/subscribe")
    subscribed = await person.press("Work and jobs")
    assert any("You will get news about" in text for text in subscribed), subscribed
    news = "Job fair on Sunday at the Old Town center, 10:00 to 16:00."
    # Staff send it from a shell, in a process of their own: it goes into the session's inbox.
    env = {**os.environ, "MARHABA_ENV_FILE": "", "MARHABA_WEBCHAT": "1", "MARHABA_DB": str(db_path),
           "MARHABA_CONTENT": str(SAMPLE_CONTENT)}
    sent = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "broadcast", "send", "--topic", "jobs", "--text", news,
                         "--yes"], capture_output=True, text=True, env=env, cwd=PROJECT, timeout=120)
    assert sent.returncode == 0 and "Traceback" not in sent.stderr, sent.stderr[-2000:]
    assert "webchat" in sent.stdout, sent.stdout
    if not person.scripts:  # it waits in the inbox for the next visit
        await person.open(webchat.url)
    await expect(person.page.locator(BOT).last).to_contain_text(news, timeout=WAIT_MS)  # scripts on: the poll
