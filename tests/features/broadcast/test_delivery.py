"""Broadcast delivery against the fake Bot API and fake Graph API: caps, 429 storms, blocked users, windows."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels import telegram as tg
from bot.channels import whatsapp as wa
from bot.channels.whatsapp import WhatsAppStore
from bot.core import Engine, Sender
from bot.features.broadcast import BroadcastRepository, Drainer
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI
from tests.channels.whatsapp.fake_graph import PHONE_NUMBER_ID, FakeGraph
from tests.channels.whatsapp.fake_graph import TOKEN as WA_TOKEN
from tests.features.broadcast.conftest import add_subscribers

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def capped_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(rate_cap=100).start()
    yield api
    api.stop()


@pytest.fixture
async def telegram_sender(capped_api: FakeBotAPI, engine: Engine) -> AsyncIterator[Sender]:
    settings = Settings.from_env({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": capped_api.base_url,
                                  "MARHABA_ENV_FILE": ""})
    async with tg.standalone_sender(settings, engine) as sender:
        yield sender


async def test_a_broadcast_reaches_each_subscriber_once_at_the_cap_without_429(
        capped_api: FakeBotAPI, telegram_sender: Sender, engine: Engine, store: SQLiteStore,
        outbox: BroadcastRepository) -> None:
    chats = [str(9000 + i) for i in range(150)]
    await add_subscribers(store, outbox, "telegram", chats, "jobs")
    await add_subscribers(store, outbox, "telegram", ["8000", "8001"], "legal")
    broadcast_id = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "Job fair on Sunday"})
    broadcast = await outbox.get(broadcast_id)
    started = time.monotonic()
    counts = await Drainer(outbox, store, {"telegram": telegram_sender}, rate=100).drain(broadcast)
    elapsed = time.monotonic() - started
    assert counts["sent"] == 150 and counts.total == 150
    assert capped_api.too_many == 0
    assert capped_api.sent_to() == {int(c): 1 for c in chats}
    assert elapsed >= 1.4  # 150 messages at 100/s: paced, not bursted
    assert (await outbox.get(broadcast_id)).finished_at is not None


async def test_a_429_storm_delays_but_loses_nothing(
        capped_api: FakeBotAPI, telegram_sender: Sender, store: SQLiteStore, outbox: BroadcastRepository) -> None:
    chats = [str(9100 + i) for i in range(40)]
    await add_subscribers(store, outbox, "telegram", chats, "jobs")
    capped_api.fail("sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}, count=6)
    broadcast_id = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "News"})
    started = time.monotonic()
    counts = await Drainer(outbox, store, {"telegram": telegram_sender}, rate=100).drain(
        await outbox.get(broadcast_id))
    assert counts["sent"] == 40
    assert capped_api.sent_to() == {int(c): 1 for c in chats}
    assert time.monotonic() - started >= 1.0  # the whole channel paused as asked
    refused = [c for c in capped_api.calls_of("sendMessage") if not isinstance(c.result, dict)]
    assert len(refused) == 6


async def test_blocked_users_are_tried_once_marked_inactive_and_left_out_next_time(
        capped_api: FakeBotAPI, telegram_sender: Sender, store: SQLiteStore, outbox: BroadcastRepository) -> None:
    chats = [str(9200 + i) for i in range(10)]
    await add_subscribers(store, outbox, "telegram", chats, "jobs")
    for chat in chats[:3]:
        capped_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=int(chat), count=99)
    drainer = Drainer(outbox, store, {"telegram": telegram_sender}, rate=100)
    first = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "One"})
    counts = await drainer.drain(await outbox.get(first))
    assert (counts["sent"], counts["blocked"]) == (7, 3)
    assert counts.reasons == {("blocked", "blocked the bot"): 3}
    for chat in chats[:3]:
        assert len(capped_api.calls_of("sendMessage", int(chat))) == 1
        user = await store.get_user("telegram", chat)
        assert user is not None and not user.active
    second = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "Two"})
    counts = await drainer.drain(await outbox.get(second))
    assert counts.total == 7
    for chat in chats[:3]:
        assert len(capped_api.calls_of("sendMessage", int(chat))) == 1


async def test_each_subscriber_gets_their_locales_text(
        capped_api: FakeBotAPI, telegram_sender: Sender, store: SQLiteStore, outbox: BroadcastRepository) -> None:
    await add_subscribers(store, outbox, "telegram", ["9301"], "jobs", "ar")
    await add_subscribers(store, outbox, "telegram", ["9303"], "jobs", "tr")
    await add_subscribers(store, outbox, "telegram", ["9304"], "jobs", "fa_AF")
    texts = {"en": "Job fair", "ar": "معرض العمل", "fa": "نمایشگاه کار"}
    broadcast_id = await outbox.create(kind="staff", topics=["jobs"], texts=texts)
    counts = await Drainer(outbox, store, {"telegram": telegram_sender}, rate=100).drain(
        await outbox.get(broadcast_id))
    got = {c.params["chat_id"]: c.params["text"] for c in capped_api.calls_of("sendMessage")}
    assert got[9301] == "معرض العمل" and got[9304] == "نمایشگاه کار"  # Dari reads the Persian text
    assert 9303 not in got and counts.reasons == {("skipped", "no text in tr"): 1}


# -- WhatsApp ---------------------------------------------------------------------------


@pytest.fixture
async def whatsapp_sender(fake_graph: FakeGraph, engine: Engine, tmp_path: Path) -> AsyncIterator[Sender]:
    templates = tmp_path / "templates.yaml"
    templates.write_text("broadcast:\n  ar: {name: marhaba_news, language: ar, parameters: [text]}\n")
    settings = Settings.from_env({
        "WHATSAPP_TOKEN": WA_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": "s",
        "WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_API_BASE_URL": fake_graph.url, "WHATSAPP_TEMPLATES": str(templates),
        "MARHABA_ENV_FILE": ""})
    async with wa.standalone_sender(settings, engine) as sender:
        yield sender


async def test_whatsapp_users_outside_the_window_get_a_template_or_are_skipped_with_a_reason(
        fake_graph: FakeGraph, whatsapp_sender: Sender, store: SQLiteStore, outbox: BroadcastRepository) -> None:
    inside = await add_subscribers(store, outbox, "whatsapp", ["4915100000001"], "jobs", "fr")
    await add_subscribers(store, outbox, "whatsapp", ["4915100000002"], "jobs", "ar")
    await add_subscribers(store, outbox, "whatsapp", ["4915100000003"], "jobs", "fr")
    await WhatsAppStore(store).claim_message("wamid.in1", inside[0], time.time() - 3600)
    broadcast_id = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "Job fair\nSunday", "*": "x"})
    counts = await Drainer(outbox, store, {"whatsapp": whatsapp_sender}).drain(await outbox.get(broadcast_id))
    assert fake_graph.to("4915100000001")[0]["text"]["body"] == "x"
    template = fake_graph.to("4915100000002")[0]
    assert template["type"] == "template" and template["template"]["name"] == "marhaba_news"
    assert fake_graph.to("4915100000003") == []
    assert counts["sent"] == 2 and counts["skipped"] == 1
    assert counts.reasons == {("skipped", "outside the 24-hour window, no 'broadcast' template for fr"): 1}
    user = await store.get_user("whatsapp", "4915100000003")
    assert user is not None and user.active  # not the user's fault: still subscribed and active
