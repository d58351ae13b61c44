"""A poster's wa.me link: its ``text`` arrives as the first message, through the webhook and the fake Graph API."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.features.links import whatsapp_link
from tests.channels.whatsapp.conftest import WhatsAppHarness, reply_webhook, text_webhook

NEWCOMER = "905551110001"
RETURNING = "905551110002"


def first_message(link: str) -> str:
    """The text WhatsApp puts in the chat box for a wa.me link (the user presses send)."""
    return parse_qs(urlsplit(link).query)["text"][0]


def bodies(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", {}).get("body", "") or m.get("interactive", {}).get("body", {}).get("text", "")
                     for m in messages)


async def test_a_wa_me_link_opens_the_page_in_its_language_for_new_and_returning_users(
        wa: WhatsAppHarness, catalogs) -> None:
    body = catalogs.get("ar").content("health-card.body", wa.tree.nodes["health-card"].body)
    link = whatsapp_link("15550000000", "health-card", "ar")
    await wa.post(text_webhook(NEWCOMER, first_message(link), "wamid.link-1"))
    assert body.split("\n")[0][:40] in bodies(wa.fake.to(NEWCOMER))
    await wa.post(text_webhook(RETURNING, "hello", "wamid.r-hello"))
    await wa.post(reply_webhook(RETURNING, "lang:tr", "wamid.r-lang"))
    before = len(wa.fake.to(RETURNING))
    await wa.post(text_webhook(RETURNING, first_message(link), "wamid.r-link"))
    assert body.split("\n")[0][:40] in bodies(wa.fake.to(RETURNING)[before:])
    user = await wa.store.get_user("whatsapp", RETURNING)
    assert user is not None and user.locale == "ar" and user.current_node == "health-card"


async def test_a_wa_me_link_without_language_asks_first_then_opens_the_page(wa: WhatsAppHarness) -> None:
    await wa.post(text_webhook(NEWCOMER, first_message(whatsapp_link("15550000000", "housing")), "wamid.l-2"))
    [picker] = [m for m in wa.fake.to(NEWCOMER) if m["type"] == "interactive"]
    ids = [r["id"] for s in picker["interactive"]["action"]["sections"] for r in s["rows"]]
    assert ids[0] == "lang:tr:housing"  # +90: Turkish first
    await wa.post(reply_webhook(NEWCOMER, ids[0], "wamid.l-3"))
    user = await wa.store.get_user("whatsapp", NEWCOMER)
    assert user is not None and user.locale == "tr" and user.current_node == "housing"
