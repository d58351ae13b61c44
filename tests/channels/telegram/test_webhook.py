"""Webhook mode through the shared web server: the secret token is checked on every request."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.core import Engine
from bot.web import WebServer
from tests.channels.telegram.conftest import telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI, message_update

SECRET = "s3cret-token_for-tests-only"
PUBLIC_URL = "https://bot.example.org/webhook/telegram"


@pytest.fixture
async def webhook(fake_api: FakeBotAPI, engine: Engine) -> AsyncIterator[WebServer]:
    settings = telegram_settings(fake_api, TELEGRAM_WEBHOOK_URL=PUBLIC_URL, TELEGRAM_WEBHOOK_SECRET=SECRET)
    web = WebServer("127.0.0.1", 0)
    channel = TelegramChannel(TelegramSettings.from_settings(settings), engine, web)
    await web.start()
    await channel.start()
    yield web
    await channel.stop()
    await web.stop()


async def post(web: WebServer, body: bytes, secret: str | None) -> int:
    def call() -> int:
        request = urllib.request.Request(f"{web.url}/webhook/telegram", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        if secret is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    return await asyncio.to_thread(call)


def start_update(user_id: int) -> bytes:
    return json.dumps({"update_id": user_id, **message_update(user_id, "/start", "ar")}).encode()


async def test_webhook_is_registered_with_the_secret(webhook: WebServer, fake_api: FakeBotAPI) -> None:
    (call,) = fake_api.calls_of("setWebhook")
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == SECRET
    assert fake_api.calls_of("deleteWebhook") == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-of-some-length", SECRET + "x", SECRET[:-1]])
async def test_requests_without_the_secret_get_403_and_are_not_processed(
        webhook: WebServer, fake_api: FakeBotAPI, engine: Engine, secret: str | None) -> None:
    assert await post(webhook, start_update(6001), secret) == 403
    # A request with the secret, sent after it, is answered: by then a refused one would have been too.
    assert await post(webhook, start_update(6009), SECRET) == 200
    await fake_api.wait_for("sendMessage", 6009)
    assert fake_api.calls_of("sendMessage", 6001) == []
    assert await engine.store.get_user("telegram", "6001") is None


async def test_requests_with_the_secret_are_answered(webhook: WebServer, fake_api: FakeBotAPI) -> None:
    assert await post(webhook, start_update(6002), SECRET) == 200
    (reply,) = await fake_api.wait_for("sendMessage", 6002)
    assert reply.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "✓ العربية"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"no": "update_id"}', b'{"update_id": "x", "message": 5}'])
async def test_malformed_updates_with_the_secret_are_refused_not_crashed(
        webhook: WebServer, fake_api: FakeBotAPI, body: bytes) -> None:
    assert await post(webhook, body, SECRET) == 400
    assert await post(webhook, start_update(6003), SECRET) == 200
    await fake_api.wait_for("sendMessage", 6003)


async def test_health_check_is_served_beside_the_webhook(webhook: WebServer) -> None:
    def get() -> int:
        with urllib.request.urlopen(f"{webhook.url}/healthz", timeout=5) as response:
            return response.status

    assert await asyncio.to_thread(get) == 200
