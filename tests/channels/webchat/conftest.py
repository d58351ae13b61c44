"""Fixtures: the real web server with the web chat channel on a real SQLite file, and Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from bot.app import FEATURES
from bot.channels import channel_profiles
from bot.channels.webchat import COOKIE, WebChatChannel, WebChatConfig, session_user_id
from bot.content import ContentTree
from bot.core import Engine
from bot.i18n import Catalogs, strip_bidi_controls
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.conftest import SAMPLE_CONTENT
from tests.features.staff.test_preview import browser  # noqa: F401 - Debian's Chromium, as the preview's tests

ALLOWED = "https://allowed.example"
WAIT_MS = 20_000
BOT = "#log article.msg:not(.me)"
"""The bot's messages on the page (with scripts on, the person's own are shown too, marked ``me``)."""


class WebChat:
    """The engine, the channel and its server; ``client`` is a browser-like HTTP client with cookies."""

    def __init__(self, engine: Engine, channel: WebChatChannel, web: WebServer) -> None:
        self.engine, self.channel, self.web = engine, channel, web
        self.client = self.new_client()

    def new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.web.url, timeout=40, follow_redirects=False)

    @property
    def url(self) -> str:
        return self.web.url


@asynccontextmanager
async def running_webchat(tree: ContentTree, catalogs: Catalogs, db_path: Path,
                          settings: Settings | None = None) -> AsyncIterator[WebChat]:
    """The web chat served on 127.0.0.1, on an engine with every feature (``settings`` for their setup)."""
    settings = settings or Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_CONTENT": str(SAMPLE_CONTENT)})
    async with SQLiteStore(db_path) as store:
        engine = Engine(content=tree, catalogs=catalogs, store=store, features=FEATURES, settings=settings,
                        staff=settings.staff, channels=channel_profiles())  # as bot.app.open_engine
        web = WebServer("127.0.0.1", 0)
        channel = WebChatChannel(WebChatConfig(origins=(ALLOWED,)), engine, web)
        await channel.start()
        await web.start()
        chat = WebChat(engine, channel, web)
        try:
            yield chat
        finally:
            await chat.client.aclose()
            await channel.stop()
            await web.stop()


@pytest.fixture
async def webchat(sample_tree: ContentTree, catalogs: Catalogs, db_path: Path) -> AsyncIterator[WebChat]:
    async with running_webchat(sample_tree, catalogs, db_path) as chat:
        yield chat


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
async def person(request: pytest.FixtureRequest, webchat: WebChat,
                 browser: Browser) -> AsyncIterator[Person]:  # noqa: F811 - the fixture imported above
    scripts = bool(request.param)
    context = await browser.new_context(java_script_enabled=scripts, locale="en-US")
    someone = Person(context, await context.new_page(), scripts)
    await someone.open(webchat.url)
    await someone.press("English")
    yield someone
    await context.close()
