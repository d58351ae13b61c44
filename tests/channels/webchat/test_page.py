"""``/chat`` over plain HTTP: the page, form posts (post, redirect, get), deep links and the inbox."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx

from bot.channels.webchat import CHANNEL, COOKIE
from tests.channels.webchat.conftest import WebChat


def buttons(html: str) -> dict[str, str]:
    """The page's option buttons: label -> payload."""
    found = re.findall(r'<button type="submit" name="p" value="([^"]*)">([^<]*)</button>', html)
    return {unescape(label): unescape(value) for value, label in found}


async def press(client: httpx.AsyncClient, payload: str) -> str:
    """Press a button as a browser without scripts does: post the form, follow the redirect."""
    resp = await client.post("/chat", data={"p": payload})
    assert resp.status_code == 303 and resp.headers["location"].startswith("/chat")
    page = await client.get("/chat")
    assert page.status_code == 200
    return page.text


async def test_a_newcomer_sees_the_language_picker_and_nothing_is_stored(webchat: WebChat) -> None:
    resp = await webchat.client.get("/chat", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    assert resp.status_code == 200
    assert "set-cookie" not in resp.headers
    html = resp.text
    assert '<html lang="fa" dir="rtl">' in html
    assert buttons(html)["✓ فارسی"] == "lang:fa" and buttons(html)["English"] == "lang:en"
    assert '<form id="options" method="post" action="/chat"' in html
    assert '<label for="text">' in html and 'role="log" aria-live="polite"' in html
    assert await webchat.engine.store.get_user(CHANNEL, "~") is None


async def test_pressing_a_language_starts_a_session_and_shows_the_menu_in_it(webchat: WebChat) -> None:
    resp = await webchat.client.post("/chat", data={"p": "lang:ar"})
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    html = (await webchat.client.get("/chat")).text
    assert '<html lang="ar" dir="rtl">' in html
    root = webchat.engine.content.root
    assert any(f"n:{child}" in buttons(html).values() for child in root.children)


async def test_typed_text_is_answered_and_the_history_is_kept(webchat: WebChat) -> None:
    await press(webchat.client, "lang:en")
    first = next(p for p in buttons((await webchat.client.get("/chat")).text).values() if p.startswith("n:"))
    html = await press(webchat.client, first)
    node = webchat.engine.content.nodes[first[2:]]
    assert f"<h2>{node.title}</h2>" in unescape(html)
    resp = await webchat.client.post("/chat", data={"text": "menu"})
    assert resp.status_code == 303
    html = (await webchat.client.get("/chat")).text
    assert html.count('<article class="msg"') >= 3  # the menu, the page, the menu again


async def test_a_deep_link_opens_its_page_in_its_language(webchat: WebChat) -> None:
    node = next(iter(webchat.engine.content.root.children))
    resp = await webchat.client.get(f"/chat?start={node}&lang=ar")
    assert resp.status_code == 303 and resp.headers["location"] == "/chat"
    html = (await webchat.client.get("/chat")).text
    assert '<html lang="ar" dir="rtl">' in html
    user = await webchat.engine.store.get_user(CHANNEL, _session_user(webchat))
    assert user is not None and user.locale == "ar" and user.current_node == node


async def test_lang_alone_sets_the_language(webchat: WebChat) -> None:
    resp = await webchat.client.get("/chat?lang=ur")
    assert resp.status_code == 303
    html = (await webchat.client.get("/chat")).text
    assert '<html lang="ur" dir="rtl">' in html


def _session_user(webchat: WebChat) -> str:
    from bot.channels.webchat import session_user_id
    return session_user_id(webchat.client.cookies[COOKIE])


async def test_staff_replies_and_broadcasts_wait_in_the_inbox_for_the_next_visit(webchat: WebChat) -> None:
    from bot.core import Outgoing
    await press(webchat.client, "lang:en")
    sender = webchat.engine.senders[CHANNEL]
    await sender.send(_session_user(webchat), [Outgoing(text="Answer from staff: the office opens at 9.")])
    html = (await webchat.client.get("/chat")).text
    assert "Answer from staff: the office opens at 9." in html


async def test_the_database_never_holds_the_token(webchat: WebChat, db_path: Path) -> None:
    await press(webchat.client, "lang:en")
    token = webchat.client.cookies[COOKIE]
    assert await webchat.engine.store.get_user(CHANNEL, _session_user(webchat)) is not None
    await webchat.engine.store.truncate_wal()  # type: ignore[attr-defined]
    files = [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]
    assert files and all(token.encode() not in p.read_bytes() for p in files)


async def test_a_calendar_file_is_a_download_for_its_session_only(webchat: WebChat) -> None:
    from bot.core import Document, Outgoing
    await press(webchat.client, "lang:en")
    ics = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    await webchat.engine.senders[CHANNEL].send(_session_user(webchat), [
        Outgoing(text="Job fair", document=Document("job-fair.ics", ics, "text/calendar"))])
    html = (await webchat.client.get("/chat")).text
    link = re.search(r'<a href="(/chat/file\?m=\d+)" download>Download job-fair.ics</a>', html)
    assert link is not None
    got = await webchat.client.get(link[1])
    assert got.status_code == 200 and got.content == ics and got.headers["content-type"] == "text/calendar"
    assert got.headers["content-disposition"] == 'attachment; filename="job-fair.ics"'
    stranger = webchat.new_client()
    await press(stranger, "lang:en")
    assert (await stranger.get(link[1])).status_code == 404
    await stranger.aclose()


async def test_an_overlong_or_broken_post_is_refused_in_the_persons_language(webchat: WebChat) -> None:
    t = webchat.engine.catalogs.get("ar")
    await press(webchat.client, "lang:ar")
    resp = await webchat.client.post("/chat", data={"text": "x" * 30_000})  # scripts off: past the field's limit
    assert resp.status_code == 413
    assert t.gettext("Your message is too long. Please send a shorter one.") in unescape(resp.text)
    assert '<html lang="ar" dir="rtl">' in resp.text
    resp = await webchat.client.post("/chat/send", content=b'{"text": "' + b"x" * 30_000 + b'"}')
    assert resp.status_code == 413
    assert resp.json()["error"] == t.gettext("Your message is too long. Please send a shorter one.")
    resp = await webchat.client.post("/chat/send", content=b"[1, 2]")
    assert resp.status_code == 400
    assert resp.json()["error"] == t.gettext("Sorry, something went wrong on our side. Please try again.")
    assert resp.json()["error"] != "Sorry, something went wrong on our side. Please try again."  # translated
