"""Safe to embed: the origin allowlist on every request, a strict CSP, text as text, rate limits, /forget."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.webchat import CHANNEL, COOKIE, session_user_id
from bot.channels.webchat._channel import ADDRESS_LIMITS
from bot.core import Blocked, Outgoing
from tests.channels.webchat.conftest import ALLOWED, WebChat
from tests.channels.webchat.test_page import press

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


async def test_the_chat_page_has_a_strict_content_security_policy(webchat: WebChat) -> None:
    resp = await webchat.client.get("/chat")
    csp = resp.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert f"frame-ancestors 'self' {ALLOWED}" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in resp.text and "style=" not in resp.text  # nothing inline for the CSP to allow


async def test_posted_markup_comes_back_as_text(webchat: WebChat) -> None:
    await press(webchat.client, "lang:en")
    user = await webchat.engine.store.get_user(CHANNEL, session_user_id(webchat.client.cookies[COOKIE]))
    assert user is not None
    # The bot's own reply to a question echoes nothing, so staff answer with the markup, as a ticket reply might.
    await webchat.engine.senders[CHANNEL].send(user.channel_user_id, [Outgoing(text=HOSTILE, title=HOSTILE)])
    resp = await webchat.client.post("/chat", data={"text": HOSTILE})
    assert resp.status_code == 303
    html = (await webchat.client.get("/chat")).text
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html


async def test_another_site_may_not_post_and_nothing_is_processed(webchat: WebChat) -> None:
    resp = await webchat.client.post("/chat", data={"p": "lang:en"}, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403 and "set-cookie" not in resp.headers
    resp = await webchat.client.post("/chat/send", json={"payload": "lang:en"},
                                     headers={"Origin": "https://evil.example"})
    assert resp.status_code == 403
    ok = await webchat.client.post("/chat/send", json={"payload": "lang:en"}, headers={"Origin": ALLOWED})
    assert ok.status_code == 200 and ok.json()["ok"] and ok.json()["messages"], "the turn's replies in the answer"
    same = await webchat.client.post("/chat", data={"p": "lang:ar"}, headers={"Origin": webchat.url})
    assert same.status_code == 303


async def test_only_allowed_sites_may_frame_the_chat_or_load_the_widget(webchat: WebChat) -> None:
    framed = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "iframe"}
    refused = await webchat.client.get("/chat", headers={**framed, "Referer": "https://evil.example/page"})
    assert refused.status_code == 403
    allowed = await webchat.client.get("/chat", headers={**framed, "Referer": f"{ALLOWED}/help"})
    assert allowed.status_code == 200
    script = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "script"}
    assert (await webchat.client.get("/chat/widget.js", headers={**script, "Referer": "https://evil.example/"})
            ).status_code == 403
    widget = await webchat.client.get("/chat/widget.js", headers={**script, "Referer": f"{ALLOWED}/"})
    assert widget.status_code == 200 and "__LABELS__" not in widget.text and '"ar": {"open": ' in widget.text


async def test_one_address_is_slowed_down_after_its_burst(webchat: WebChat) -> None:
    webchat.channel.addresses.clock = lambda: 1000.0  # the clock stands still: no token comes back
    statuses = [(await webchat.client.post("/chat/send", json={"text": "hello"})).status_code
                for _ in range(ADDRESS_LIMITS.burst + 1)]
    assert statuses[:ADDRESS_LIMITS.burst] == [200] * ADDRESS_LIMITS.burst
    assert statuses[-1] == 429
    form = await webchat.client.post("/chat", data={"text": "hello"})
    assert form.status_code == 429 and "Please wait a minute" in form.text


async def test_one_session_is_slowed_down_by_the_engines_flood_control(webchat: WebChat) -> None:
    from bot.core import FloodLimits
    webchat.engine.flood.limits = FloodLimits(rate_per_minute=1, burst=2, cooldown_seconds=60)
    for _ in range(3):
        await webchat.client.post("/chat", data={"text": "where is the office"})
    html = (await webchat.client.get("/chat")).text
    assert "You are sending messages very fast" in html


async def test_forget_deletes_the_session_everything_tied_to_it_and_the_cookie(webchat: WebChat) -> None:
    await press(webchat.client, "lang:en")
    other = webchat.new_client()
    await press(other, "lang:ar")
    sid = session_user_id(webchat.client.cookies[COOKIE])
    user = await webchat.engine.store.get_user(CHANNEL, sid)
    assert user is not None and await webchat.channel.store.after(user.id, 0)  # type: ignore[union-attr]
    ask = await webchat.client.get("/forget")
    assert ask.status_code == 200 and 'method="post" action="/forget"' in ask.text
    done = await webchat.client.post("/forget", data={"confirm": "yes"})
    assert done.status_code == 200
    assert "Max-Age=0" in done.headers["set-cookie"] and done.headers["clear-site-data"] == '"storage"'
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None
    assert await webchat.channel.store.after(user.id, 0) == []  # type: ignore[union-attr]
    assert COOKIE not in webchat.client.cookies
    kept = await webchat.engine.store.get_user(CHANNEL, session_user_id(other.cookies[COOKIE]))
    assert kept is not None and kept.locale == "ar"
    await other.aclose()
    with pytest.raises(Blocked):  # a late staff answer or broadcast: the broadcast records why it was not sent
        await webchat.engine.senders[CHANNEL].send(sid, [Outgoing(text="late")])


async def test_forget_in_the_chat_itself_clears_the_cookie_too(webchat: WebChat) -> None:
    await press(webchat.client, "lang:en")
    sid = session_user_id(webchat.client.cookies[COOKIE])
    await press(webchat.client, "cmd:forget")
    resp = await webchat.client.post("/chat", data={"p": "forget:yes"})
    assert resp.status_code == 200 and "Max-Age=0" in resp.headers["set-cookie"]
    assert "Everything stored about you has been deleted." in resp.text
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None


async def test_a_long_poll_returns_as_soon_as_a_message_arrives(webchat: WebChat) -> None:
    await press(webchat.client, "lang:en")
    first = (await webchat.client.get("/chat/poll", params={"after": 0})).json()
    assert first["session"] and first["messages"]
    last = first["messages"][-1]["id"]
    waiting = asyncio.create_task(webchat.client.get("/chat/poll", params={"after": last}))
    sid = session_user_id(webchat.client.cookies[COOKIE])
    user = await webchat.engine.store.get_user(CHANNEL, sid)
    assert user is not None
    while user.id not in webchat.channel._waiters:  # the poll is waiting
        await asyncio.sleep(0)
    await webchat.engine.senders[CHANNEL].send(sid, [Outgoing(text="A new event on Sunday")])
    got = (await asyncio.wait_for(waiting, 10)).json()
    assert [m["text"] for m in got["messages"]] == ["A new event on Sunday"] and got["messages"][0]["id"] > last


def test_only_a_line_that_is_a_phone_number_alone_becomes_a_link() -> None:
    from bot.channels.webchat._page import text_html
    html = text_html("\u2067\u200f+90 212 555 0100\u2069\n112\ncall +90 212 555 0100 now\n2026\n"
                     '<a href="tel:1">x</a>\njavascript:alert(1)')
    assert html.split("\n") == [
        '<a href="tel:+902125550100">\u2067\u200f+90 212 555 0100\u2069</a>', '<a href="tel:112">112</a>',
        "call +90 212 555 0100 now", "2026", "&lt;a href=&quot;tel:1&quot;&gt;x&lt;/a&gt;", "javascript:alert(1)"]
