"""Fixtures: a fake Graph API and the real webhook server with the Messenger channel on a real SQLite file."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.messenger import GraphClient, MessengerChannel, MessengerConfig, signature
from bot.content import ContentTree
from bot.core import Engine
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.messenger.fake_graph import TOKEN, FakeGraph
from tests.conftest import make_engine

PAYLOADS = Path(__file__).parent / "payloads"
APP_SECRET = "test-messenger-app-secret"
VERIFY_TOKEN = "test-messenger-verify-token"
USER = "6543210987654321"
"""The person of the recorded payloads."""


def payload(name: str) -> dict[str, Any]:
    """A recorded webhook body (a fresh copy)."""
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def _recorded(name: str, psid: str, kind: str, **fields: Any) -> dict[str, Any]:
    """The recorded webhook ``name``, from ``psid``, sent now, its ``kind`` object updated with ``fields``."""
    body = payload(name)
    event = body["entry"][0]["messaging"][0]
    event["sender"]["id"] = psid
    event["timestamp"] = int(time.time() * 1000)
    event[kind].update(fields)
    return body


def text_webhook(psid: str, text: str, mid: str) -> dict[str, Any]:
    """The recorded text webhook, from ``psid``, with another text and mid."""
    return _recorded("text", psid, "message", mid=mid, text=text)


def quick_reply_webhook(psid: str, reply: str, mid: str) -> dict[str, Any]:
    """The recorded quick-reply webhook, choosing the reply whose payload is ``reply``."""
    return _recorded("quick_reply", psid, "message", mid=mid, quick_reply={"payload": reply})


def postback_webhook(psid: str, button: str, mid: str) -> dict[str, Any]:
    """The recorded postback webhook (a button template's button), with ``button`` as its payload."""
    return _recorded("postback", psid, "postback", mid=mid, payload=button)


def choices(message: dict[str, Any]) -> list[str]:
    """The payloads a message offers (quick replies or a button template's buttons)."""
    if "quick_replies" in message:
        return [r["payload"] for r in message["quick_replies"]]
    return [b["payload"] for b in message["attachment"]["payload"]["buttons"]]


def titles(message: dict[str, Any]) -> list[str]:
    if "quick_replies" in message:
        return [r["title"] for r in message["quick_replies"]]
    return [b["title"] for b in message["attachment"]["payload"]["buttons"]]


def body_text(message: dict[str, Any]) -> str:
    return message.get("text") or message["attachment"]["payload"]["text"]


def menus(fake: FakeGraph, psid: str = USER) -> list[dict[str, Any]]:
    """The messages to ``psid`` that offer options, in order."""
    return [m for m in fake.to(psid) if "quick_replies" in m or "attachment" in m and
            m["attachment"]["type"] == "template"]


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    await fake.start()
    yield fake
    await fake.stop()


class MessengerHarness:
    """The real web server and channel on a SQLite file; ``post`` sends (signed) webhook bodies."""

    def __init__(self, fake: FakeGraph, db_path: Path, tree: ContentTree, catalogs: Catalogs,
                 engine: Engine | None = None) -> None:
        self.fake, self.db_path, self.tree, self.catalogs = fake, db_path, tree, catalogs
        self.given_engine = engine
        self.now = time.time
        """The channel's clock for the 24-hour window (a test moves it)."""

    async def start(self) -> MessengerHarness:
        if self.given_engine is not None:
            self.engine = self.given_engine
            self.store = self.engine.store  # type: ignore[assignment]
            self.own_store = False
        else:
            self.store = SQLiteStore(self.db_path)
            await self.store.open()
            self.engine = make_engine(content=self.tree, catalogs=self.catalogs, store=self.store)
            self.own_store = True
        self.web = WebServer("127.0.0.1", 0)
        config = MessengerConfig(api_base_url=self.fake.url, page_token=TOKEN, app_secret=APP_SECRET,
                                 verify_token=VERIFY_TOKEN)
        self.channel = MessengerChannel(config, self.engine, self.web, client=GraphClient(config.api_base_url, TOKEN),
                                        backoff=0.01, clock=lambda: self.now())
        await self.web.start()
        await self.channel.start()
        self.http = httpx.AsyncClient(base_url=self.web.url, timeout=10)
        return self

    async def stop(self) -> None:
        await self.http.aclose()
        await self.channel.stop()
        await self.web.stop()
        if self.own_store:
            await self.store.close()

    async def post(self, body: dict[str, Any] | bytes, *, sig: str | None = None, signed: bool = True,
                   wait: bool = True) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = sig if sig is not None else signature(raw, APP_SECRET)
        resp = await self.http.post("/webhook/messenger", content=raw, headers=headers)
        if wait:
            await self.channel.wait_idle()
        return resp

    async def choose_language(self, psid: str = USER, locale: str = "en") -> None:
        await self.post(text_webhook(psid, "hello", f"m_{psid}_hello"))
        await self.post(quick_reply_webhook(psid, f"lang:{locale}", f"m_{psid}_lang"))


@pytest.fixture
async def fbm(fake_graph: FakeGraph, db_path: Path, sample_tree: ContentTree,
              catalogs: Catalogs) -> AsyncIterator[MessengerHarness]:
    harness = await MessengerHarness(fake_graph, db_path, sample_tree, catalogs).start()
    yield harness
    await harness.stop()
