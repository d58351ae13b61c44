"""A poster's web chat link: ``<site>/chat?start=<node>&lang=<locale>`` opens that page in that language."""

from __future__ import annotations

from html import unescape
from urllib.parse import urlsplit

from bot.channels.webchat import CHANNEL, COOKIE, session_user_id
from bot.features.links import webchat_link
from tests.channels.webchat.conftest import WebChat


def path_of(link: str) -> str:
    """The part of a poster's link that reaches Marhaba's web server (its path and query)."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "chat.example.org")
    return f"{parts.path}?{parts.query}"


async def test_a_posters_web_chat_link_opens_its_page_in_its_language(webchat: WebChat) -> None:
    resp = await webchat.client.get(path_of(webchat_link("https://chat.example.org", "health-card", "fa_AF")))
    assert resp.status_code == 303
    html = unescape((await webchat.client.get(resp.headers["location"])).text)
    assert '<html lang="fa-AF" dir="rtl">' in html
    title = webchat.engine.catalogs.get("fa_AF").content("health-card.title", "Get a health card")
    assert f"<h2>{title}</h2>" in html
    user = await webchat.engine.store.get_user(CHANNEL, session_user_id(webchat.client.cookies[COOKIE]))
    assert user is not None and user.locale == "fa_AF" and user.current_node == "health-card"


async def test_a_posters_web_chat_link_without_language_lets_a_newcomer_choose_first(webchat: WebChat) -> None:
    resp = await webchat.client.get(path_of(webchat_link("https://chat.example.org", "housing")),
                                    headers={"Accept-Language": "tr"})
    assert resp.status_code == 303
    html = (await webchat.client.get(resp.headers["location"])).text
    assert 'value="lang:tr:housing"' in html  # the picker, the person's language first, then the page
