"""Fixtures: the fake Bot API server, and the real Telegram channel (PTB Application) talking to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.core import Engine
from bot.settings import Settings
from bot.web import WebServer
from tests.channels.telegram.fake_botapi import (
    TOKEN,
    Call,
    FakeBotAPI,
    callback_update,
    message_update,
)


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    api = FakeBotAPI().start()
    yield api
    api.stop()


def telegram_settings(api: FakeBotAPI, **extra: str) -> Settings:
    return Settings.from_env({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
                              "MARHABA_ENV_FILE": "", **extra})


class Harness:
    """A started Telegram channel plus a way to know when an update has been fully handled."""

    def __init__(self, api: FakeBotAPI, channel: TelegramChannel) -> None:
        self.api = api
        self.channel = channel
        self.done: dict[int, asyncio.Event] = {}
        channel.application.add_handler(TypeHandler(Update, self._mark_done), group=1)

    async def _mark_done(self, update: Update, context: Any) -> None:
        self.done.setdefault(update.update_id, asyncio.Event()).set()

    async def deliver(self, update: dict[str, Any]) -> None:
        """Queue ``update`` at the fake server and wait until the channel has handled it."""
        pushed = self.api.push(update)
        event = self.done.setdefault(pushed["update_id"], asyncio.Event())
        await asyncio.wait_for(event.wait(), 10)

    def user(self, user_id: int, language_code: str | None = "en") -> TelegramUser:
        return TelegramUser(self, user_id, language_code)


class TelegramUser:
    """A Telegram user in a private chat with the bot: ``await u.send("/start")``, ``await u.press("Health")``."""

    def __init__(self, harness: Harness, user_id: int, language_code: str | None) -> None:
        self.h, self.id, self.lang = harness, user_id, language_code
        self.menu_message_id: int | None = None
        self.menu: list[dict[str, str]] = []
        self.calls: list[Call] = []

    async def send(self, text: str) -> list[Call]:
        return await self._deliver(message_update(self.id, text, self.lang))

    async def press(self, label_part: str) -> list[Call]:
        """Press the button of the current menu whose label contains ``label_part``."""
        for button in self.menu:
            if label_part in button["text"]:
                return await self.press_data(button["callback_data"])
        raise AssertionError(f"no button {label_part!r} in {[b['text'] for b in self.menu]}")

    async def press_data(self, data: str) -> list[Call]:
        assert self.menu_message_id is not None, "no menu to press"
        return await self._deliver(callback_update(self.id, data, self.menu_message_id, self.lang))

    async def _deliver(self, update: dict[str, Any]) -> list[Call]:
        before = len(self.h.api.calls)
        await self.h.deliver(update)
        self.calls = [c for c in self.h.api.calls[before:]
                      if c.params.get("chat_id") == self.id or c.method == "answerCallbackQuery"]
        for call in self.calls:
            markup = call.params.get("reply_markup")
            if call.method in ("sendMessage", "editMessageText") and markup:
                self.menu_message_id = call.result["message_id"] if isinstance(call.result, dict) else None
                self.menu = [button for row in markup["inline_keyboard"] for button in row]
        return self.calls

    @property
    def texts(self) -> list[str]:
        """The HTML texts of the last reply's sent or edited messages."""
        return [c.params["text"] for c in self.calls if c.method in ("sendMessage", "editMessageText")]

    @property
    def labels(self) -> list[str]:
        return [b["text"] for b in self.menu]


@pytest.fixture
async def telegram(fake_api: FakeBotAPI, engine: Engine) -> AsyncIterator[Harness]:
    """The real Telegram channel in polling mode, on the shared engine fixture (a real SQLite file)."""
    web = WebServer("127.0.0.1", 0)
    channel = TelegramChannel(TelegramSettings.from_settings(telegram_settings(fake_api)), engine, web)
    harness = Harness(fake_api, channel)
    await channel.start()
    yield harness
    await channel.stop()
