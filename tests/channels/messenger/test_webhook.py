"""End to end: signed webhook bodies into the real server, replies checked by the fake Graph API."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import Option
from bot.i18n import LOCALES
from tests.channels.messenger.conftest import (
    APP_SECRET,
    PAYLOADS,
    USER,
    VERIFY_TOKEN,
    MessengerHarness,
    body_text,
    choices,
    menus,
    payload,
    postback_webhook,
    quick_reply_webhook,
    text_webhook,
    titles,
)
from tests.store import data


@pytest.fixture(autouse=True)
def no_rejections(fbm: MessengerHarness):
    yield
    assert fbm.fake.rejected == [], "the channel sent messages the Graph API would refuse"


# -- the verify-token handshake and signatures ----------------------------------------------


async def test_verification_echoes_the_challenge_only_for_our_token(fbm: MessengerHarness) -> None:
    ok = await fbm.http.get("/webhook/messenger", params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = await fbm.http.get("/webhook/messenger", params={
        "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    no_mode = await fbm.http.get("/webhook/messenger", params={"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"})
    assert no_mode.status_code == 403


async def test_unsigned_post_gets_401_and_nothing_is_processed(fbm: MessengerHarness) -> None:
    resp = await fbm.post(payload("text"), signed=False)
    assert resp.status_code == 401
    assert fbm.fake.requests == [] and fbm.fake.profile_lookups == []
    assert await fbm.store.get_user("messenger", USER) is None
    assert await data.count(fbm.store, "inbox", {"channel": "messenger"}) == 0


@pytest.mark.parametrize("sig", ["sha256=" + "0" * 64, "sha1=abc", "garbage"])
async def test_wrongly_signed_post_gets_403_and_nothing_is_processed(fbm: MessengerHarness, sig: str) -> None:
    resp = await fbm.post(payload("text"), sig=sig)
    assert resp.status_code == 403
    assert fbm.fake.requests == []
    assert await fbm.store.get_user("messenger", USER) is None
    assert await data.count(fbm.store, "inbox", {"channel": "messenger"}) == 0


async def test_the_signature_of_another_body_is_refused(fbm: MessengerHarness) -> None:
    from bot.channels.messenger import signature

    resp = await fbm.post(payload("text"), sig=signature(b'{"object": "page", "entry": []}', APP_SECRET))
    assert resp.status_code == 403 and fbm.fake.requests == []


async def test_malformed_json_is_refused_and_nothing_sent(fbm: MessengerHarness) -> None:
    resp = await fbm.post((PAYLOADS / "malformed.json").read_bytes())
    assert resp.status_code == 400 and fbm.fake.requests == []


async def test_echoes_deliveries_and_reads_are_acknowledged_and_not_answered(fbm: MessengerHarness) -> None:
    resp = await fbm.post(payload("echo_and_reads"))
    assert resp.status_code == 200 and fbm.fake.requests == []


# -- a conversation --------------------------------------------------------------------------


async def test_a_conversation_language_then_menu_as_quick_replies_then_a_page(fbm: MessengerHarness) -> None:
    await fbm.post(payload("text"))
    [picker] = fbm.fake.to(USER)
    # 15 languages do not fit 13 quick replies: 12, then a reply that opens the rest.
    ids = choices(picker)
    assert len(ids) == 13 and ids[-1] == "fbm:p:~l1:1"
    assert all(len(t) <= 20 for t in titles(picker))
    await fbm.post(quick_reply_webhook(USER, ids[-1], "m_more_languages"))
    second = choices(fbm.fake.to(USER)[-1])
    assert second[-1] == "fbm:p:~l1:0", "the last page leads back to the first"
    assert set(ids[:-1] + second[:-1]) == {f"lang:{c}" for c in LOCALES}

    await fbm.post(payload("quick_reply"))  # lang:ar
    user = await fbm.store.get_user("messenger", USER)
    assert user is not None and user.locale == "ar"
    menu = fbm.fake.to(USER)[-1]
    assert "quick_replies" in menu, "a menu of more than 3 topics is quick replies"
    assert choices(menu) == [f"n:{c}" for c in fbm.tree.root.children]
    assert all(len(t) <= 20 for t in titles(menu))

    await fbm.post(quick_reply_webhook(USER, "n:health", "m_health"))
    health = fbm.fake.to(USER)[-1]
    assert "n:health-card" in choices(health)
    await fbm.post(quick_reply_webhook(USER, "n:health-card", "m_card"))
    card = fbm.catalogs.get("ar").content("health-card.body", fbm.tree.nodes["health-card"].body)
    assert card.split("\n")[0][:30] in "\n".join(body_text(m) for m in fbm.fake.to(USER)[-3:])
    assert (await fbm.store.get_user("messenger", USER)).current_node == "health-card"  # type: ignore[union-attr]


async def test_three_options_or_fewer_are_a_button_template_and_its_postbacks_work(fbm: MessengerHarness) -> None:
    async def three(turn):
        return [fbm.engine.text_reply(turn, "Pick one", (Option("🏠 Main menu", "cmd:menu"),
                                                         Option("A label far longer than twenty", "cmd:help",
                                                                short_label="Short help")))]

    fbm.engine.add_command("three", three, "three")
    await fbm.choose_language()
    await fbm.post(text_webhook(USER, "/three", "m_three"))
    template = fbm.fake.to(USER)[-1]
    assert template["attachment"]["payload"]["template_type"] == "button"
    assert titles(template) == ["🏠 Main menu", "Short help"]  # the short form where the label does not fit
    await fbm.post(postback_webhook(USER, "cmd:menu", "m_pb_menu"))
    assert choices(fbm.fake.to(USER)[-1])[0] == f"n:{fbm.tree.root.children[0]}"


async def test_the_recorded_postback_of_the_persistent_menu_opens_the_main_menu(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    await fbm.post(payload("postback"))  # cmd:menu
    assert choices(fbm.fake.to(USER)[-1]) == [f"n:{c}" for c in fbm.tree.root.children]


async def test_typed_words_work_as_commands(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    await fbm.post(quick_reply_webhook(USER, "n:health", "m_h"))
    await fbm.post(quick_reply_webhook(USER, "n:health-card", "m_hc"))
    await fbm.post(text_webhook(USER, "back", "m_back"))
    assert "n:health-card" in choices(menus(fbm.fake)[-1])


async def test_a_sticker_gets_a_hint_and_the_menu(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    before = len(fbm.fake.to(USER))
    await fbm.post(payload("sticker"))
    replies = fbm.fake.to(USER)[before:]
    assert any("only text messages and button presses" in body_text(m) for m in replies)


async def test_long_text_is_split_at_the_message_limit(fbm: MessengerHarness) -> None:
    sentence = "Bring your residence permit and a photo to the office on the second floor. "
    long_text = sentence * 80  # about 6,000 characters

    async def long_reply(turn):
        return [fbm.engine.text_reply(turn, long_text, tuple(Option(f"Option {i}", f"cmd:menu{i}") for i in range(5)))]

    fbm.engine.add_command("long", long_reply, "long")
    await fbm.choose_language()
    before = len(fbm.fake.to(USER))
    await fbm.post(text_webhook(USER, "/long", "m_long"))
    replies = fbm.fake.to(USER)[before:]
    assert len(replies) >= 3 and all(len(m["text"]) <= 2000 for m in replies)
    assert "quick_replies" in replies[-1] and "quick_replies" not in replies[0]
    assert " ".join(m["text"] for m in replies).split() == long_text.split()


# -- deep links and the profile's locale ----------------------------------------------------


async def test_get_started_from_an_m_me_ref_link_opens_that_page_in_its_language(fbm: MessengerHarness) -> None:
    from bot.core import deep_link_payload

    body = payload("get_started_referral")
    newcomer = body["entry"][0]["messaging"][0]["sender"]["id"]
    assert body["entry"][0]["messaging"][0]["postback"]["referral"]["ref"] == deep_link_payload("health-card", "ar")
    await fbm.post(body)
    card = fbm.catalogs.get("ar").content("health-card.body", fbm.tree.nodes["health-card"].body)
    assert card.split("\n")[0][:30] in "\n".join(body_text(m) for m in fbm.fake.to(newcomer))
    user = await fbm.store.get_user("messenger", newcomer)
    assert user is not None and user.locale == "ar" and user.current_node == "health-card"


async def test_an_m_me_ref_link_in_an_existing_thread_opens_the_page(fbm: MessengerHarness) -> None:
    await fbm.choose_language(locale="tr")
    await fbm.post(payload("referral"))  # ref=housing
    user = await fbm.store.get_user("messenger", USER)
    assert user is not None and user.current_node == "housing" and user.locale == "tr"


async def test_get_started_without_a_ref_shows_the_language_picker(fbm: MessengerHarness) -> None:
    body = payload("get_started_referral")
    del body["entry"][0]["messaging"][0]["postback"]["referral"]
    newcomer = body["entry"][0]["messaging"][0]["sender"]["id"]
    await fbm.post(body)
    assert choices(fbm.fake.to(newcomer)[0])[0].startswith("lang:")


async def test_the_profile_locale_preselects_the_language_picker(fbm: MessengerHarness) -> None:
    fbm.fake.locales["7000000000000009"] = "cb_IQ"  # Sorani Kurdish, as Meta names it
    await fbm.post(text_webhook("7000000000000009", "silaw", "m_ckb"))
    assert choices(fbm.fake.to("7000000000000009")[0])[0] == "lang:ckb"
    # without a locale from Meta the picker starts in the default order
    await fbm.post(text_webhook("7000000000000010", "hi", "m_none"))
    assert choices(fbm.fake.to("7000000000000010")[0])[0] == "lang:en"
    # once a language is chosen the profile is not asked again
    await fbm.post(quick_reply_webhook("7000000000000009", "lang:ckb", "m_ckb2"))
    lookups = len(fbm.fake.profile_lookups)
    fbm.channel._hints.clear()
    await fbm.post(text_webhook("7000000000000009", "menu", "m_ckb3"))
    assert len(fbm.fake.profile_lookups) == lookups


# -- redelivery, order, failures ---------------------------------------------------------


async def test_a_redelivered_mid_is_answered_once(fbm: MessengerHarness) -> None:
    await fbm.post(payload("text"))
    await fbm.post(payload("text"))
    await asyncio.gather(*(fbm.post(payload("text"), wait=False) for _ in range(5)))
    await fbm.channel.wait_idle()
    assert len(fbm.fake.to(USER)) == 1


async def test_a_redelivery_after_a_restart_is_still_answered_once(fbm: MessengerHarness) -> None:
    await fbm.post(payload("text"))
    await fbm.stop()
    again = await MessengerHarness(fbm.fake, fbm.db_path, fbm.tree, fbm.catalogs).start()
    try:
        await again.post(payload("text"))
        assert len(fbm.fake.to(USER)) == 1
        await again.post(text_webhook(USER, "hello", "m_new_one"))
        assert len(fbm.fake.to(USER)) == 2
    finally:
        await again.stop()
        await fbm.start()  # the fixture stops it again


async def test_one_persons_quick_messages_are_answered_in_order(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    before = len(fbm.fake.to(USER))
    await asyncio.gather(*(fbm.post(quick_reply_webhook(USER, f"n:{node}", f"m_o{i}"), wait=False)
                           for i, node in enumerate(["health", "housing", "jobs"])))
    await fbm.channel.wait_idle()
    answers = menus(fbm.fake)[-3:]
    assert len(fbm.fake.to(USER)) > before and "n:health-card" in choices(answers[0])


@pytest.mark.parametrize("error", ["rate", "throttled"])
async def test_throttling_is_retried_with_backoff(fbm: MessengerHarness, error: str) -> None:
    fbm.fake.fail[USER] = [error, error]
    await fbm.post(payload("text"))
    assert len(fbm.fake.to(USER)) == 1
    assert len([r for r in fbm.fake.requests if r["recipient"]["id"] == USER]) == 3


async def test_a_person_who_blocked_the_page_is_marked_inactive(fbm: MessengerHarness) -> None:
    await fbm.choose_language()
    fbm.fake.fail[USER] = ["blocked"]
    await fbm.post(text_webhook(USER, "menu", "m_blocked"))
    user = await fbm.store.get_user("messenger", USER)
    assert user is not None and not user.active
    await fbm.post(text_webhook(USER, "menu", "m_back_again"))  # writing again makes them active
    user = await fbm.store.get_user("messenger", USER)
    assert user is not None and user.active


async def test_the_get_started_button_and_a_persistent_menu_per_locale_are_set_at_start(
        fbm: MessengerHarness) -> None:
    [profile] = fbm.fake.profiles
    assert profile["get_started"] == {"payload": "cmd:start"}
    by_locale = {m["locale"]: m for m in profile["persistent_menu"]}
    assert {"default", "ar_AR", "tr_TR", "cb_IQ", "ku_TR", "uk_UA"} <= set(by_locale)
    payloads = [a["payload"] for a in by_locale["default"]["call_to_actions"]]
    assert "cmd:menu" in payloads and "cmd:language" in payloads
    ar = {a["payload"]: a["title"] for a in by_locale["ar_AR"]["call_to_actions"]}
    en = {a["payload"]: a["title"] for a in by_locale["default"]["call_to_actions"]}
    assert ar["cmd:language"] != en["cmd:language"]  # translated


async def test_a_file_is_uploaded_with_its_message(fbm: MessengerHarness) -> None:
    from bot.core import Document, Outgoing

    async def calendar(turn):
        return [Outgoing(text="The job fair", locale="en",
                         document=Document("job-fair.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"))]

    fbm.engine.add_command("ics", calendar, "ics")
    await fbm.choose_language()
    await fbm.post(text_webhook(USER, "/ics", "m_ics"))
    upload = [m for m in fbm.fake.sent if "filename" in m][-1]
    assert (upload["filename"], upload["size"]) == ("job-fair.ics", len(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
    assert upload["message"]["attachment"]["type"] == "file"
    assert fbm.fake.to(USER)[-1]["text"] == "The job fair"


async def test_an_event_acknowledged_before_a_crash_is_answered_after_the_restart(fbm: MessengerHarness) -> None:
    import json

    from bot.store import Inbox

    await fbm.stop()
    body = text_webhook(USER, "hello", "m_before_the_crash")
    async with fbm.store.__class__(fbm.db_path) as store:  # what the crashed process had stored and acknowledged
        assert await Inbox(store, "messenger").accept("m_before_the_crash", json.dumps(body["entry"][0]["messaging"][0]),
                                                      user=USER)
    await fbm.start()
    await fbm.channel.wait_idle()
    [picker] = fbm.fake.to(USER)
    assert choices(picker)[0].startswith("lang:")
    await fbm.post(body)  # and Meta's redelivery of it is not answered again
    assert len(fbm.fake.to(USER)) == 1
