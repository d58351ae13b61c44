"""A poster's t.me link: ``/start <payload>`` through the real PTB Application and the fake Bot API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bot.features.links import telegram_link
from tests.channels.telegram.conftest import Harness


def start_text(link: str) -> str:
    """What a Telegram client sends when a t.me link with ``start=`` is opened."""
    return "/start " + parse_qs(urlsplit(link).query)["start"][0]


async def test_a_t_me_link_opens_the_page_in_its_language_for_new_and_returning_users(
        telegram: Harness, catalogs) -> None:
    title = catalogs.get("ar").content("health-card.title", "Get a health card")
    newcomer = telegram.user(6101, "en")
    await newcomer.send(start_text(telegram_link("MarhabaTestBot", "health-card", "ar")))
    assert title in newcomer.texts[0] and newcomer.menu[-1]["callback_data"] == "cmd:menu"
    returning = telegram.user(6102, "fa")
    await returning.send("/start")
    await returning.press_data("lang:fa")
    await returning.send(start_text(telegram_link("MarhabaTestBot", "health-card", "ar")))
    assert title in returning.texts[0]
    stored = await telegram.channel.engine.store.get_user("telegram", "6102")
    assert stored is not None and stored.locale == "ar" and stored.current_node == "health-card"


async def test_a_bad_start_payload_is_a_normal_start(telegram: Harness) -> None:
    user = telegram.user(6103, "tr")
    await user.send("/start health-card_zz")
    assert user.labels[0] == "✓ Türkçe" and all(b["callback_data"].count(":") == 1 for b in user.menu)
