"""The chat in Chromium, with JavaScript off (forms) and on (the script, offline and back)."""

from __future__ import annotations

import asyncio
import gzip

from playwright.async_api import Browser, Page, expect

from bot.channels.webchat import CHANNEL, COOKIE, session_user_id
from bot.core import Outgoing
from tests.channels.webchat.conftest import WebChat
from tests.channels.webchat.test_safety import HOSTILE

FIRST_SCREEN_LIMIT = 40 * 1024
"""The issue's budget for the first screen of /chat, compressed."""
WAIT_MS = 20_000


async def test_without_javascript_buttons_and_the_text_field_work(webchat: WebChat, browser: Browser) -> None:
    context = await browser.new_context(java_script_enabled=False, locale="en-US")
    page = await context.new_page()
    await page.goto(webchat.url + "/chat")
    await expect(page.locator("html")).to_have_attribute("dir", "ltr")
    await page.get_by_role("button", name="العربية").click()
    await expect(page.locator("html")).to_have_attribute("dir", "rtl")
    await expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.url.endswith("/chat#last")  # post, redirect, get: a reload posts nothing again
    menu = await page.locator("#options button").count()
    assert menu > 1
    await page.locator("#options button").first.click()
    await expect(page.locator("article.msg")).to_have_count(2)  # the picker was not stored: the menu, the page
    await page.get_by_label("رسالتك").fill(HOSTILE)
    await page.locator("#send button").click()
    await expect(page.locator("article.msg")).to_have_count(3)
    assert await page.locator("#log img, #log script").count() == 0
    await context.close()


async def _open(browser: Browser, url: str, locale: str = "en-US") -> tuple[Page, list[str]]:
    context = await browser.new_context(locale=locale)
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    await page.goto(url + "/chat")
    await expect(page.locator("#chat")).to_have_attribute("data-ready", "1")
    return page, dialogs


async def test_with_javascript_replies_arrive_without_reloading(webchat: WebChat, browser: Browser) -> None:
    page, dialogs = await _open(browser, webchat.url)
    await page.evaluate("window.stillHere = 1")
    await page.get_by_role("button", name="English").click()
    await expect(page.locator("article.msg.me")).to_have_text("✓ English")  # the browser's language first
    await expect(page.locator("article.msg")).to_have_count(3, timeout=WAIT_MS)  # the picker, mine, the menu
    count = 3
    await page.get_by_label("Your message").fill(HOSTILE)
    await page.keyboard.press("Enter")
    await expect(page.locator("article.msg")).to_have_count(count + 2, timeout=WAIT_MS)  # mine and the reply
    assert await page.evaluate("window.stillHere") == 1  # no page load
    cookie = next(c for c in await page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and await page.evaluate("document.cookie") == ""
    sid = session_user_id(cookie["value"])
    await webchat.engine.senders[CHANNEL].send(sid, [Outgoing(text=HOSTILE, title="Staff")])
    await expect(page.locator("#log article").last).to_contain_text(HOSTILE, timeout=WAIT_MS)
    assert await page.locator("#log img, #log script").count() == 0 and dialogs == []
    await page.context.close()


async def test_what_is_typed_offline_is_sent_when_the_connection_is_back(webchat: WebChat,
                                                                          browser: Browser) -> None:
    page, _ = await _open(browser, webchat.url)
    await page.get_by_role("button", name="✓ English").click()
    await expect(page.locator("article.msg")).to_have_count(3, timeout=WAIT_MS)  # the picker, mine, the menu
    count = 3
    await page.context.set_offline(True)
    await page.get_by_label("Your message").fill("menu")
    await page.keyboard.press("Enter")
    await expect(page.locator("#status")).to_contain_text("No connection", timeout=WAIT_MS)
    await expect(page.locator("article.msg.wait")).to_have_count(1)
    assert "menu" in await page.evaluate("localStorage.getItem('marhaba-chat-queue')")
    await page.context.set_offline(False)
    await expect(page.locator("article.msg.wait")).to_have_count(0, timeout=WAIT_MS)
    await expect(page.locator("article.msg")).to_have_count(count + 2, timeout=WAIT_MS)
    await expect(page.locator("#status")).to_have_text("")
    assert await page.evaluate("localStorage.getItem('marhaba-chat-queue')") == "[]"
    await page.context.close()


async def test_the_first_screen_is_light_and_asks_no_other_site(webchat: WebChat, browser: Browser) -> None:
    context = await browser.new_context(locale="ar")
    page = await context.new_page()
    sizes: dict[str, int] = {}
    others: list[str] = []

    async def record(response) -> None:  # type: ignore[no-untyped-def]
        if not response.url.startswith(webchat.url):
            others.append(response.url)
            return
        sizes[response.url] = len(gzip.compress(await response.body(), 9))

    page.on("response", record)
    page.on("request", lambda r: None if r.url.startswith(webchat.url) else others.append(r.url))
    await page.goto(webchat.url + "/chat")
    await expect(page.locator("#chat")).to_have_attribute("data-ready", "1")
    await page.wait_for_load_state("networkidle")
    assert {u.rsplit("/", 1)[-1] for u in sizes} >= {"chat", "chat.css", "chat.js"}
    assert sum(sizes.values()) <= FIRST_SCREEN_LIMIT, sizes
    assert others == []
    await context.close()


async def test_with_javascript_a_turn_is_one_request_and_a_later_staff_answer_comes_by_the_poll(
        webchat: WebChat, browser: Browser) -> None:
    page, _ = await _open(browser, webchat.url)
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/chat/poll" in r.url else None)
    await page.get_by_role("button", name="✓ English").click()
    await expect(page.locator("article.msg")).to_have_count(3, timeout=WAIT_MS)  # the picker, mine, the menu
    sid = session_user_id(next(c for c in await page.context.cookies() if c["name"] == COOKIE)["value"])
    user = await webchat.engine.store.get_user(CHANNEL, sid)
    assert user is not None
    # The page's first poll starts after the first turn's replies (it has them from the answer), and waits.
    while not any(w.after > 0 for w in webchat.channel._waiters.get(user.id, ())):
        await asyncio.sleep(0)
    last = (await webchat.channel.store.after(user.id, 0))[-1].id  # type: ignore[union-attr]
    assert polls == [f"{webchat.url}/chat/poll?after={last}&tab={polls[0].rsplit('tab=', 1)[-1]}"], polls
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.method + " " + r.url.removeprefix(webchat.url).split("?")[0]))
    await page.locator("#options button").first.click()
    await expect(page.locator("article.msg")).to_have_count(5, timeout=WAIT_MS)  # mine and the reply
    assert asked == ["POST /chat/send"], "the reply came in the post's answer, the poll kept waiting"
    await webchat.engine.senders[CHANNEL].send(sid, [Outgoing(text="Answer from staff: the office opens at 9.")])
    await expect(page.locator("#log article").last).to_contain_text("the office opens at 9", timeout=WAIT_MS)
    assert await page.locator("#log article", has_text="the office opens at 9").count() == 1
    assert await page.locator("article.msg").count() == 6, "nothing shown twice"
    await page.context.close()
