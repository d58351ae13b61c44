"""The web chat's features end to end in Chromium, each with JavaScript off (forms) and on (the script).

A person opens ``/chat``, picks a language and writes; what the bot does with it (the safety
answer, a handoff to staff and their reply, a broadcast, ``/forget``) must reach the page in
both modes. With scripts off every step is a form post and a new page; with them on, nothing
reloads and replies come by long polling.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from bot.channels.webchat import CHANNEL, COOKIE, session_user_id
from bot.cli import main
from bot.i18n import strip_bidi_controls
from tests.channels.webchat.conftest import WebChat

WAIT_MS = 20_000
BOT = "#log article.msg:not(.me)"
"""The bot's messages on the page (with scripts on, the person's own are shown too, marked ``me``)."""


class Person:
    """Someone using the chat in a Chromium tab, with scripts on or off."""

    def __init__(self, context: BrowserContext, page: Page, scripts: bool) -> None:
        self.context, self.page, self.scripts = context, page, scripts

    async def open(self, url: str) -> None:
        await self.page.goto(url + "/chat")
        if self.scripts:
            await expect(self.page.locator("#chat")).to_have_attribute("data-ready", "1")

    async def bot_texts(self) -> list[str]:
        """The text of the bot's messages on the page, oldest first (bidi isolates removed)."""
        return [strip_bidi_controls(t).strip() for t in await self.page.locator(BOT).all_inner_texts()]

    async def press(self, label: str) -> list[str]:
        """Press the option named ``label``; the bot's new messages (the first one at least)."""
        return await self._answered(self.page.locator("#options button", has_text=label).first.click)

    async def say(self, text: str) -> list[str]:
        """Type ``text`` and send it with the Enter key; the bot's new messages (the first one at least)."""
        await self.page.get_by_label("Your message").fill(text)
        return await self._answered(lambda: self.page.get_by_label("Your message").press("Enter"))

    async def _answered(self, act: Callable[[], Awaitable[None]]) -> list[str]:
        before = await self.bot_texts()
        if self.scripts:  # the reply is added to this page
            await act()
            await expect(self.page.locator(BOT).nth(len(before))).to_be_attached(timeout=WAIT_MS)
        else:  # a form post, then the chat page again with the reply
            async with self.page.expect_navigation(timeout=WAIT_MS):
                await act()
        after = await self.bot_texts()
        kept = 0
        while kept < min(len(before), len(after)) and before[kept] == after[kept]:
            kept += 1
        return after[kept:]

    async def session_user_id(self) -> str:
        cookie = next(c for c in await self.context.cookies() if c["name"] == COOKIE)
        return session_user_id(cookie["value"])

    async def has_cookie(self) -> bool:
        return any(c["name"] == COOKIE for c in await self.context.cookies())


@pytest.fixture(params=[False, True], ids=["scripts-off", "scripts-on"])
async def person(request: pytest.FixtureRequest, webchat: WebChat, browser: Browser) -> AsyncIterator[Person]:
    scripts = bool(request.param)
    context = await browser.new_context(java_script_enabled=scripts, locale="en-US")
    someone = Person(context, await context.new_page(), scripts)
    await someone.open(webchat.url)
    await someone.press("English")
    yield someone
    await context.close()


async def test_a_disclosure_is_answered_with_the_emergency_number_first(person: Person) -> None:
    first = (await person.say("i want to kill myself"))[0]
    assert first.split("\n", 1)[0].strip() == "+90 212 555 0100", first[:200]


async def test_forget_page_deletes_the_session_and_the_browser_forgets_it(person: Person, webchat: WebChat) -> None:
    sid = await person.session_user_id()
    assert await webchat.engine.store.get_user(CHANNEL, sid) is not None
    await person.page.get_by_role("link", name="Delete this chat").click()
    await person.page.get_by_role("button", name="Yes, delete").click()
    await expect(person.page.get_by_role("status")).to_have_text(
        "The chat and everything stored about it have been deleted.")
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None
    assert not await person.has_cookie()
    if person.scripts:
        assert await person.page.evaluate("localStorage.length") == 0
    await person.page.get_by_role("link", name="Start a new chat").click()
    await expect(person.page.locator("#options button", has_text="English")).to_be_visible()  # a stranger again
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None


async def test_forget_from_the_chats_own_menu(person: Person, webchat: WebChat) -> None:
    sid = await person.session_user_id()
    await person.say("/forget")
    confirm = person.page.locator("#options button", has_text="Yes, delete everything")
    await expect(confirm).to_be_visible()
    await confirm.click()
    await expect(person.page.locator("#log")).to_contain_text("Everything stored about you has been deleted.",
                                                              timeout=WAIT_MS)
    assert await webchat.engine.store.get_user(CHANNEL, sid) is None
    assert not await person.has_cookie()


async def test_marhaba_stats_counts_web_chat_users(person: Person, webchat: WebChat, db_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    await person.press("Health")
    # The CLI runs its own event loop: from a thread, as from a shell beside the running chat.
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_channel"] == {CHANNEL: 1}
    assert stats["users"] == 1 and stats["by_locale"] == {"en": 1} and stats["active_7"] == 1
    assert ["health", "Health", 1] in stats["topics"]
