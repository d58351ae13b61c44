"""End to end: signed webhook bodies into the real server, replies checked by the fake Graph API."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.core import Option, OutsideWindow, RetryLater, Undeliverable
from bot.i18n import LOCALES
from tests.channels.whatsapp.conftest import (
    VERIFY_TOKEN,
    WhatsAppHarness,
    payload,
    reply_webhook,
    text_webhook,
)
from tests.store import data

USER = "963933000001"  # the user of the recorded payloads (a Syrian number)


def rows(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for s in message["interactive"]["action"]["sections"] for r in s["rows"]]


def buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [b["reply"] for b in message["interactive"]["action"]["buttons"]]


def choices(message: dict[str, Any]) -> list[str]:
    """The payload ids a message offers (rows or buttons)."""
    if message["interactive"]["type"] == "list":
        return [r["id"] for r in rows(message)]
    return [b["id"] for b in buttons(message)]


def last_interactive(wa: WhatsAppHarness, wa_id: str = USER) -> dict[str, Any]:
    return [m for m in wa.fake.to(wa_id) if m["type"] == "interactive"][-1]


async def choose_language(wa: WhatsAppHarness, wa_id: str = USER, locale: str = "en") -> None:
    await wa.post(text_webhook(wa_id, "hello", f"wamid.{wa_id}.hello"))
    await wa.post(reply_webhook(wa_id, f"lang:{locale}", f"wamid.{wa_id}.lang"))


@pytest.fixture(autouse=True)
def no_rejections(wa: WhatsAppHarness):
    yield
    assert wa.fake.rejected == [], "the channel sent messages the Cloud API would refuse"


# -- verification and signatures ------------------------------------------------


async def test_verification_echoes_the_challenge_only_for_our_token(wa: WhatsAppHarness) -> None:
    ok = await wa.http.get("/webhook/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = await wa.http.get("/webhook/whatsapp", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    no_mode = await wa.http.get("/webhook/whatsapp", params={"hub.verify_token": VERIFY_TOKEN,
                                                              "hub.challenge": "1"})
    assert no_mode.status_code == 403


async def test_unsigned_post_is_refused_and_nothing_is_processed(wa: WhatsAppHarness) -> None:
    resp = await wa.post(payload("text"), signed=False)
    assert resp.status_code == 401
    assert wa.fake.requests == []
    assert await wa.store.get_user("whatsapp", USER) is None


@pytest.mark.parametrize("sig", ["sha256=" + "0" * 64, "sha1=abc", "garbage", ""])
async def test_wrong_signature_is_refused_and_nothing_is_processed(wa: WhatsAppHarness, sig: str) -> None:
    resp = await wa.post(payload("text"), sig=sig)
    assert resp.status_code in (401, 403)
    assert wa.fake.requests == []
    assert await wa.store.get_user("whatsapp", USER) is None


async def test_signature_of_another_body_is_refused(wa: WhatsAppHarness) -> None:
    from bot.channels.whatsapp import signature

    from .conftest import APP_SECRET

    sig = signature(b'{"object": "whatsapp_business_account", "entry": []}', APP_SECRET)
    resp = await wa.post(payload("text"), sig=sig)
    assert resp.status_code == 403 and wa.fake.requests == []


async def test_malformed_json_is_refused_and_nothing_sent(wa: WhatsAppHarness) -> None:
    from .conftest import PAYLOADS

    resp = await wa.post((PAYLOADS / "malformed.json").read_bytes())
    assert resp.status_code == 400
    assert wa.fake.requests == []


# -- first contact, navigation ------------------------------------------------------


async def test_hello_gets_the_language_picker_with_the_country_language_first(wa: WhatsAppHarness) -> None:
    resp = await wa.post(payload("text"))
    assert resp.status_code == 200
    [picker] = wa.fake.to(USER)
    assert picker["interactive"]["type"] == "list"
    ids = choices(picker)
    assert ids[0] == "lang:ar" and rows(picker)[0]["title"].endswith("العربية")  # +963 -> Arabic first
    assert ids[1] == "lang:kmr", "+963: Kurmanji (north-east Syria) next"
    # 15 languages do not fit WhatsApp's 10 rows: 9 languages, then a row naming the others.
    assert len(ids) == 10 and ids[-1] == "wa:p:~l1:1"
    more = rows(picker)[-1]
    assert more["title"].startswith("🌐 ") and more["title"].endswith(" (2/2)")
    rest = [LOCALES[c].native_name for c in LOCALES if f"lang:{c}" not in ids]
    assert more["description"] == " · ".join(rest)
    await wa.post(reply_webhook(USER, ids[-1], "wamid.more-languages"))
    second = choices(last_interactive(wa))
    assert second[:-1] == [f"lang:{c}" for c in LOCALES if f"lang:{c}" not in ids]
    assert second[-1] == "wa:p:~l1:0", "the last page leads back to the first"
    assert set(ids[:-1] + second[:-1]) == {f"lang:{c}" for c in LOCALES}


async def test_list_reply_sets_the_language_and_the_twelve_topics_are_paged(wa: WhatsAppHarness) -> None:
    await wa.post(payload("text"))
    await wa.post(payload("list_reply"))  # lang:ar
    first = last_interactive(wa)
    assert first["interactive"]["type"] == "list"
    ids = choices(first)
    assert len(ids) == 10 and ids[-1] == "wa:p:main:1"
    seen = ids[:-1]
    # "More" opens the second page, which leads back to the first.
    await wa.post(reply_webhook(USER, ids[-1], "wamid.more-1"))
    second = choices(last_interactive(wa))
    assert second[-1] == "wa:p:main:0"
    seen += second[:-1]
    assert seen == [f"n:{c}" for c in wa.tree.root.children]
    user = await wa.store.get_user("whatsapp", USER)
    assert user is not None and user.locale == "ar"


async def test_on_page_two_the_row_back_to_page_one_is_labelled_as_going_back(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    first = last_interactive(wa)
    assert rows(first)[-1] == {"id": "wa:p:main:1", "title": "More (2/2)"}
    await wa.post(reply_webhook(USER, "wa:p:main:1", "wamid.page-2"))
    assert rows(last_interactive(wa))[-1] == {"id": "wa:p:main:0", "title": "Previous (1/2)"}


async def test_button_reply_and_typed_words_work_like_commands(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    await wa.post(reply_webhook(USER, "n:health", "wamid.health"))
    health = last_interactive(wa)
    assert "n:health-card" in choices(health)
    await wa.post(payload("button_reply"))  # cmd:menu, a reply button
    assert choices(last_interactive(wa))[0] == f"n:{wa.tree.root.children[0]}"
    await wa.post(reply_webhook(USER, "n:health-card", "wamid.card"))
    await wa.post(text_webhook(USER, "back", "wamid.back"))  # typed, no slash commands on WhatsApp
    assert "n:health-card" in choices(last_interactive(wa))


async def test_sticker_and_unsupported_types_get_a_hint_and_the_menu(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    before = len(wa.fake.to(USER))
    await wa.post(payload("sticker"))
    await wa.post(payload("unsupported"))
    replies = wa.fake.to(USER)[before:]
    assert len(replies) == 2
    for reply in replies:
        assert "only text messages and button presses" in reply["interactive"]["body"]["text"]


# -- redelivery -------------------------------------------------------------------------


async def test_redelivered_webhook_is_answered_once(wa: WhatsAppHarness) -> None:
    await wa.post(payload("text"))
    await wa.post(payload("text"))
    await asyncio.gather(*(wa.post(payload("text"), wait=False) for _ in range(5)))
    await wa.channel.wait_idle()
    assert len(wa.fake.to(USER)) == 1


async def test_redelivery_after_a_restart_is_still_answered_once(wa: WhatsAppHarness) -> None:
    await wa.post(payload("text"))
    assert len(wa.fake.sent) == 1
    await wa.stop()
    again = await WhatsAppHarness(wa.fake, wa.db_path, wa.tree, wa.catalogs).start()
    try:
        await again.post(payload("text"))
        assert len(wa.fake.sent) == 1
        await again.post(text_webhook(USER, "hello", "wamid.new-one"))
        assert len(wa.fake.sent) == 2
    finally:
        await again.stop()
        await wa.start()  # the fixture stops it again


async def test_forget_deletes_the_whatsapp_rows(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    user = await wa.store.get_user("whatsapp", USER)
    assert user is not None
    tables = await wa.store.user_tables()
    assert {"whatsapp_inbound", "whatsapp_statuses"} <= set(tables)
    await wa.post(text_webhook(USER, "/forget", "wamid.f1"))
    await wa.post(reply_webhook(USER, "forget:yes", "wamid.f2"))
    assert "deleted" in wa.fake.to(USER)[-1]["text"]["body"]  # the reply still reaches the user
    assert await data.count(wa.store, "whatsapp_inbound") == 0


# -- limits ---------------------------------------------------------------------------------


async def test_long_text_is_split_within_the_limits(wa: WhatsAppHarness) -> None:
    sentence = "Bring your residence permit and a photo to the office on the second floor. "
    long_text = sentence * 120  # about 9,000 characters

    async def long_reply(turn):
        return [wa.engine.text_reply(turn, long_text, (Option("A very long option label here", "cmd:menu"),))]

    wa.engine.add_command("long", long_reply, "long")
    await choose_language(wa)
    before = len(wa.fake.to(USER))
    await wa.post(text_webhook(USER, "/long", "wamid.long"))
    replies = wa.fake.to(USER)[before:]
    assert [m["type"] for m in replies][-1] == "interactive"
    texts = [m["text"]["body"] for m in replies if m["type"] == "text"]
    texts.append(replies[-1]["interactive"]["body"]["text"])
    assert len(replies) >= 3
    assert " ".join(texts).split() == long_text.split()


async def test_fifty_users_writing_at_once_are_all_answered(wa: WhatsAppHarness) -> None:
    users = [f"90555{n:07d}" for n in range(50)]
    responses = await asyncio.gather(*(wa.post(text_webhook(u, "merhaba", f"wamid.{u}"), wait=False)
                                       for u in users))
    assert all(r.status_code == 200 for r in responses)
    await wa.channel.wait_idle()
    for u in users:
        [picker] = wa.fake.to(u)
        assert choices(picker)[0] == "lang:tr"  # +90 -> Turkish first


async def test_one_users_quick_messages_are_answered_in_order(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    before = len(wa.fake.to(USER))
    await asyncio.gather(*(wa.post(reply_webhook(USER, f"n:{node}", f"wamid.o{i}"), wait=False)
                           for i, node in enumerate(["health", "housing", "jobs"])))
    await wa.channel.wait_idle()
    answers = [m for m in wa.fake.to(USER)[before:] if m["type"] == "interactive"]
    assert len(answers) == 3
    assert "n:health-card" in choices(answers[0])


# -- errors from the Cloud API --------------------------------------------------------------


async def test_rate_limit_130429_is_retried(wa: WhatsAppHarness) -> None:
    wa.fake.fail[USER] = [130429, 130429]
    await wa.post(payload("text"))
    assert len(wa.fake.to(USER)) == 1
    assert len([r for r in wa.fake.requests if r["to"] == USER]) == 3


async def test_rate_limit_that_lasts_raises_retry_later(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    wa.fake.fail[USER] = [130429] * 10
    with pytest.raises(RetryLater):
        await wa.channel.sender.send(USER, [wa.engine.text_reply(_turn_stub(wa), "News")])


async def test_undeliverable_131026_is_reported_and_the_next_turn_still_works(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    wa.fake.fail[USER] = [131026]
    with pytest.raises(Undeliverable):
        await wa.channel.sender.send(USER, [wa.engine.text_reply(_turn_stub(wa), "News")])
    wa.fake.fail[USER] = [131026]
    before = len(wa.fake.to(USER))
    await wa.post(text_webhook(USER, "menu", "wamid.m1"))  # the reply fails, the channel goes on
    await wa.post(text_webhook(USER, "menu", "wamid.m2"))
    assert len(wa.fake.to(USER)) == before + 1


# -- the 24-hour window, templates and statuses ----------------------------------------------


async def test_user_outside_the_24_hour_window_gets_only_a_template(fake_graph, db_path, sample_tree,
                                                                     catalogs) -> None:
    from bot.channels.whatsapp import Template, Templates

    templates = Templates({"broadcast": {"en": Template("marhaba_update", "en_US", ("title", "text"))}})
    wa = await WhatsAppHarness(fake_graph, db_path, sample_tree, catalogs, templates).start()
    try:
        old = int(time.time()) - 25 * 3600
        await wa.post(text_webhook(USER, "hello", "wamid.old", timestamp=old))
        await wa.post(reply_webhook(USER, "lang:ar", "wamid.old2"))
        # make both inbound messages a day old, as if they had come yesterday
        await data.update(wa.store, "whatsapp_inbound", {"sent_at": old})
        recent = "963933000002"
        await wa.post(text_webhook(recent, "hello", "wamid.recent"))
        sender = wa.channel.sender
        assert not await sender.in_window(USER) and await sender.in_window(recent)
        requests_before = len(fake_graph.requests)
        with pytest.raises(OutsideWindow):
            await sender.send(USER, [wa.engine.text_reply(_turn_stub(wa), "News")])
        assert len(fake_graph.requests) == requests_before  # refused before calling the API
        ids = await sender.send_tracked(recent, [wa.engine.text_reply(_turn_stub(wa), "News")])
        assert len(ids) == 1

        message_id = await sender.send_template(USER, "broadcast", "ar", {"title": "Job fair", "text": "Friday\n10:00"})
        sent = fake_graph.sent[-1]
        assert sent["type"] == "template" and sent["template"]["name"] == "marhaba_update"  # falls back to en
        assert [p["text"] for p in sent["template"]["components"][0]["parameters"]] == ["Job fair", "Friday 10:00"]
        assert (await sender.status(message_id)).status == "accepted"
        with pytest.raises(Undeliverable):
            await sender.send_template(USER, "reminder", "ar", {})
        # the Cloud API has the last word on the window: 131047 is OutsideWindow too
        fake_graph.closed_window.add(recent)
        with pytest.raises(OutsideWindow):
            await sender.send(recent, [wa.engine.text_reply(_turn_stub(wa), "News")])
    finally:
        await wa.stop()


async def test_status_webhooks_are_recorded_for_sent_messages(wa: WhatsAppHarness) -> None:
    await choose_language(wa)
    [message_id] = await wa.channel.sender.send_tracked(USER, [wa.engine.text_reply(_turn_stub(wa), "News")])
    status = payload("status")
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = message_id
    assert (await wa.post(status)).status_code == 200
    assert (await wa.channel.sender.status(message_id)).status == "delivered"
    failed = payload("status_failed")
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = message_id
    await wa.post(failed)
    recorded = await wa.channel.sender.status(message_id)
    assert (recorded.status, recorded.error_code) == ("failed", 131026)
    await wa.post(status)  # a late "delivered" does not undo "failed"
    assert (await wa.channel.sender.status(message_id)).status == "failed"
    assert wa.fake.to(USER)[-1]["text"]["body"] == "News"  # statuses are not answered


def _turn_stub(wa: WhatsAppHarness):
    class T:
        t = wa.catalogs.get("en")
    return T()
