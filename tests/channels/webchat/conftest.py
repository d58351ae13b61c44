"""Fixtures: the real web server with the web chat channel on a real SQLite file, and Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import FEATURES
from bot.channels.webchat import WebChatChannel, WebChatConfig
from bot.content import ContentTree
from bot.core import Engine
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.features.staff.test_preview import browser  # noqa: F401 - Debian's Chromium, as the preview's tests

ALLOWED = "https://allowed.example"


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


@pytest.fixture
async def webchat(sample_tree: ContentTree, catalogs: Catalogs, db_path: Path) -> AsyncIterator[WebChat]:
    async with SQLiteStore(db_path) as store:
        settings = Settings.from_env({"MARHABA_ENV_FILE": ""}, db_path=db_path)
        engine = Engine(content=sample_tree, catalogs=catalogs, store=store, features=FEATURES, settings=settings)
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

