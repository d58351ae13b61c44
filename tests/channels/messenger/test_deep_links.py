"""A poster's m.me link: its ``ref`` reaches the real Messenger channel through the webhook and the fake Graph API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.features.links import messenger_link
from tests.channels.messenger.conftest import USER, MessengerHarness, body_text, choices, payload

NEWCOMER = "7000000000000001"
"""The person of the recorded Get Started payload."""


def ref(link: str) -> str:
    """What Messenger hands the webhook for an m.me link: its ``ref`` (a referral's ``ref``)."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "m.me", "/MarhabaCity")
    return parse_qs(parts.query)["ref"][0]


async def test_a_posters_m_me_link_opens_its_page_in_its_language_for_a_newcomer(fbm: MessengerHarness) -> None:
    body = payload("get_started_referral")  # a newcomer taps Get Started in the thread the link opened
    body["entry"][0]["messaging"][0]["postback"]["referral"]["ref"] = ref(messenger_link("MarhabaCity", "housing",
                                                                                          "fa_AF"))
    await fbm.post(body)
    page = fbm.catalogs.get("fa_AF").content("housing.body", fbm.tree.nodes["housing"].body)
    assert page.split("\n")[0][:30] in "\n".join(body_text(m) for m in fbm.fake.to(NEWCOMER))
    user = await fbm.store.get_user("messenger", NEWCOMER)
    assert user is not None and user.locale == "fa_AF" and user.current_node == "housing"


async def test_a_posters_m_me_link_in_an_existing_thread_opens_its_page(fbm: MessengerHarness) -> None:
    await fbm.choose_language(locale="tr")
    body = payload("referral")
    body["entry"][0]["messaging"][0]["referral"]["ref"] = ref(messenger_link("MarhabaCity", "health-card", "ar"))
    await fbm.post(body)
    user = await fbm.store.get_user("messenger", USER)
    assert user is not None and user.current_node == "health-card" and user.locale == "ar"


async def test_a_posters_m_me_link_without_language_lets_a_newcomer_choose_then_opens_the_page(
        fbm: MessengerHarness) -> None:
    body = payload("get_started_referral")
    body["entry"][0]["messaging"][0]["postback"]["referral"]["ref"] = ref(messenger_link("MarhabaCity", "jobs"))
    await fbm.post(body)
    first = choices(fbm.fake.to(NEWCOMER)[-1])[0]
    assert first.startswith("lang:") and first.endswith(":jobs")
