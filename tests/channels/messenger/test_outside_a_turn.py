"""Messages outside a turn, end to end: broadcasts and reminders in and out of the 24-hour window, a staff
answer from the Telegram staff chat, the safety disclosure, /forget, and the channel's own edge cases."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.messenger import MessengerConfig, standalone_sender
from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.core import OutsideWindow, Undeliverable
from bot.errors import ConfigError
from bot.features.broadcast import Drainer, outbox_of
from bot.features.questions import FEATURE as QUESTIONS
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.messenger.conftest import (
    APP_SECRET,
    USER,
    VERIFY_TOKEN,
    MessengerHarness,
    body_text,
    choices,
    quick_reply_webhook,
    text_webhook,
)
from tests.channels.messenger.fake_graph import TOKEN, FakeGraph
from tests.channels.telegram.conftest import Harness, fake_api, telegram_settings  # noqa: F401 - a fixture
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.conftest import make_engine
from tests.features.broadcast.conftest import add_subscribers
from tests.features.questions.conftest import STAFF_CHAT
from tests.features.questions.test_handoff_telegram import staff_update
from tests.features.safety.conftest import CALLABLE, first_line, install
from tests.features.safety.conftest import settings as safety_settings
from tests.store import data

INSIDE, OUTSIDE = "7200000000000001", "7200000000000002"


def env(fake: FakeGraph) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MESSENGER_PAGE_TOKEN": TOKEN, "MESSENGER_APP_SECRET": APP_SECRET,
                              "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN, "MESSENGER_API_BASE_URL": fake.url})


@pytest.fixture(autouse=True)
def no_rejections(fake_graph: FakeGraph):
    yield
    assert fake_graph.rejected == [], "the channel sent messages the Graph API would refuse"


async def broadcast(fake: FakeGraph, db_path: Path, sample_tree: ContentTree, catalogs: Catalogs, *,
                    purpose: str) -> dict[tuple[str, str], int]:
    """Two subscribers, one of whom last wrote 25 hours ago, and one broadcast to both from its own process
    (``marhaba broadcast``: a store of its own and the channel's standalone sender); the counts' reasons."""
    async with SQLiteStore(db_path) as store:
        outbox = outbox_of(store)
        await add_subscribers(store, outbox, "messenger", [INSIDE, OUTSIDE], "jobs", "en")
        await data.update(store, "users", {"last_seen": time.time() - 25 * 3600}, {"channel_user_id": OUTSIDE})
    async with SQLiteStore(db_path) as store:
        engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
        outbox = outbox_of(store)
        broadcast_id = await outbox.create(kind="reminder" if purpose == "reminder" else "staff", topics=["jobs"],
                                           texts={"en": "Job fair on Sunday, 10:00"}, purpose=purpose)
        assert broadcast_id is not None
        async with standalone_sender(env(fake), engine) as sender:
            counts = await Drainer(outbox, store, {"messenger": sender}).drain(await outbox.get(broadcast_id))
    return {**counts.reasons, ("sent", None): counts["sent"]}


async def test_a_broadcast_reaches_people_inside_the_window_and_skips_the_others_with_the_reason(
        fake_graph: FakeGraph, db_path: Path, sample_tree: ContentTree, catalogs: Catalogs) -> None:
    counts = await broadcast(fake_graph, db_path, sample_tree, catalogs, purpose="broadcast")
    [inside] = fake_graph.to(INSIDE)
    assert inside["text"] == "Job fair on Sunday, 10:00" and inside["messaging_type"] == "UPDATE"
    assert [r["recipient"]["id"] for r in fake_graph.requests] == [INSIDE]  # refused before calling the API
    assert counts[("sent", None)] == 1
    assert counts[("skipped", "outside the 24-hour window, no 'broadcast' template for en")] == 1
    async with SQLiteStore(db_path) as store:
        user = await store.get_user("messenger", OUTSIDE)
        assert user is not None and user.active  # not the person's fault: still subscribed and active


async def test_an_event_reminder_outside_the_window_goes_with_the_confirmed_event_update_tag(
        fake_graph: FakeGraph, db_path: Path, sample_tree: ContentTree, catalogs: Catalogs) -> None:
    counts = await broadcast(fake_graph, db_path, sample_tree, catalogs, purpose="reminder")
    assert counts[("sent", None)] == 2
    [inside], [outside] = fake_graph.to(INSIDE), fake_graph.to(OUTSIDE)
    assert (inside["messaging_type"], inside["tag"]) == ("UPDATE", None)
    assert (outside["messaging_type"], outside["tag"]) == ("MESSAGE_TAG", "CONFIRMED_EVENT_UPDATE")
    assert outside["text"] == "Job fair on Sunday, 10:00"


async def test_the_sender_refuses_outside_the_window_and_a_purpose_without_a_tag(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    sender = fbm.channel.sender
    assert await sender.in_window(USER)
    fbm.now = lambda: time.time() + 25 * 3600
    assert not await sender.in_window(USER)
    before = len(fbm.fake.requests)
    with pytest.raises(OutsideWindow):
        await sender.send(USER, [fbm.engine.text_reply(_turn(fbm), "News")])
    assert len(fbm.fake.requests) == before
    assert sender.has_template("reminder", "en") and not sender.has_template("broadcast", "en")
    with pytest.raises(Undeliverable):
        await sender.send_template(USER, "broadcast", "en", {"text": "News"})
    fbm.now = time.time
    fbm.fake.closed_window.add(USER)  # Meta has the last word on the window: 10/2018278 is OutsideWindow too
    with pytest.raises(OutsideWindow):
        await sender.send(USER, [fbm.engine.text_reply(_turn(fbm), "News")])


@pytest.fixture
async def staffed(fake_api: FakeBotAPI, fake_graph: FakeGraph, db_path: Path, sample_tree: ContentTree,  # noqa: F811
                  catalogs: Catalogs) -> AsyncIterator[tuple[MessengerHarness, Harness]]:
    fbm = await MessengerHarness(fake_graph, db_path, sample_tree, catalogs).start()
    tg_env = telegram_settings(fake_api, MARHABA_STAFF_CHAT=str(STAFF_CHAT))
    fbm.engine.add_feature(QUESTIONS, tg_env)
    channel = TelegramChannel(TelegramSettings.from_settings(tg_env), fbm.engine, WebServer("127.0.0.1", 0))
    tg = Harness(fake_api, channel)
    await channel.start()
    yield fbm, tg
    await channel.stop()
    await fbm.stop()


async def test_a_staff_answer_from_the_telegram_staff_chat_reaches_the_person(
        staffed: tuple[MessengerHarness, Harness]) -> None:
    fbm, tg = staffed
    await fbm.choose_language(locale="tr")
    await fbm.post(text_webhook(USER, "komşumun köpeği bütün gece havlıyor ne yapabilirim", "m_q3"))
    ask = next(i for i in choices(fbm.fake.to(USER)[-1]) if i.startswith("q:ask:"))
    await fbm.post(quick_reply_webhook(USER, ask, "m_q4"))
    assert "#1" in body_text(fbm.fake.to(USER)[-1])
    forwarded = await tg.api.wait_for("sendMessage", STAFF_CHAT)
    assert "messenger" in forwarded[0].params["text"]
    before = len(fbm.fake.to(USER))
    await tg.deliver(staff_update("Komşunuzla önce sakin konuşun.", reply_to=forwarded[0].result))
    [relayed] = fbm.fake.to(USER)[before:]
    assert "Komşunuzla önce sakin konuşun." in body_text(relayed) and "#1" in body_text(relayed)
    assert relayed["messaging_type"] == "UPDATE"
    assert "Sent to the person" in tg.api.calls_of("sendMessage", STAFF_CHAT)[-1].params["text"]


async def test_a_plea_for_help_is_answered_first_with_a_callable_number(fake_graph: FakeGraph, db_path: Path,
                                                                       sample_tree: ContentTree,
                                                                       catalogs: Catalogs) -> None:
    fbm = await MessengerHarness(fake_graph, db_path, sample_tree, catalogs).start()
    try:
        install(fbm.engine, safety_settings())
        await fbm.post(text_webhook("7300000000000001", "ninkaygu wuu i garaacaa", "m_s1"))
        number = first_line(body_text(fake_graph.to("7300000000000001")[0]))
        assert number == "+90 800 555 0170" and CALLABLE.match(number)
    finally:
        await fbm.stop()


async def test_forget_deletes_the_person_and_the_answer_still_reaches_them(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    await fbm.post(text_webhook(USER, "/forget", "m_f1"))
    await fbm.post(quick_reply_webhook(USER, "forget:yes", "m_f2"))
    assert "deleted" in body_text(fbm.fake.to(USER)[-1])
    assert await fbm.store.get_user("messenger", USER) is None
    # the inbox keeps ids only (against redelivery), never what the person wrote
    assert await data.count(fbm.store, "inbox", {"channel": "messenger", "payload": data.NOT_NULL}) == 0


def test_a_partial_configuration_names_the_missing_variables() -> None:
    settings = Settings.from_env({"MARHABA_ENV_FILE": "", "MESSENGER_PAGE_TOKEN": "x"})
    with pytest.raises(ConfigError, match="MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN"):
        MessengerConfig.from_settings(settings)
    with pytest.raises(ConfigError, match="MESSENGER_API_BASE_URL"):
        MessengerConfig.from_settings(Settings.from_env({
            "MARHABA_ENV_FILE": "", "MESSENGER_PAGE_TOKEN": "x", "MESSENGER_APP_SECRET": "y",
            "MESSENGER_VERIFY_TOKEN": "z", "MESSENGER_API_BASE_URL": "graph.facebook.com"}))
    config = MessengerConfig.from_settings(Settings.from_env({
        "MARHABA_ENV_FILE": "", "MESSENGER_PAGE_TOKEN": "page-secret", "MESSENGER_APP_SECRET": "app-secret",
        "MESSENGER_VERIFY_TOKEN": "verify-secret"}))
    assert config.api_base_url.startswith("https://graph.facebook.com/v")
    assert "secret" not in repr(config)


def _turn(fbm: MessengerHarness):
    class T:
        t = fbm.catalogs.get("en")
    return T()
