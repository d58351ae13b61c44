"""Fixtures: a fake Graph API and the real webhook server with the WhatsApp channel on a real SQLite file."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels.whatsapp import CloudApiClient, WhatsAppChannel, WhatsAppConfig, signature
from bot.channels.whatsapp._config import Templates
from bot.content import ContentTree
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.whatsapp.fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph
from tests.conftest import make_engine

PAYLOADS = Path(__file__).parent / "payloads"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


def payload(name: str) -> dict[str, Any]:
    """A recorded webhook body (a fresh copy)."""
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def text_webhook(wa_id: str, text: str, message_id: str, timestamp: int | None = None) -> dict[str, Any]:
    """The recorded text webhook, from another user, with another text and id, sent now (or at ``timestamp``)."""
    body = payload("text")
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    msg = value["messages"][0]
    msg.update({"from": wa_id, "id": message_id, "text": {"body": text},
                "timestamp": str(int(time.time()) if timestamp is None else timestamp)})
    return body


def reply_webhook(wa_id: str, reply_id: str, message_id: str) -> dict[str, Any]:
    """The recorded list-reply webhook, choosing ``reply_id``."""
    body = copy.deepcopy(payload("list_reply"))
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = wa_id
    msg = value["messages"][0]
    msg.update({"from": wa_id, "id": message_id, "timestamp": str(int(time.time()))})
    msg["interactive"]["list_reply"] = {"id": reply_id, "title": "x"}
    return body


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph()
    await fake.start()
    yield fake
    await fake.stop()


class WhatsAppHarness:
    """The real web server and channel on a SQLite file; ``post`` sends (signed) webhook bodies."""

    def __init__(self, fake: FakeGraph, db_path: Path, tree: ContentTree, catalogs: Catalogs,
                 templates: Templates | None = None) -> None:
        self.fake, self.db_path, self.tree, self.catalogs = fake, db_path, tree, catalogs
        self.templates = templates or Templates()

    async def start(self) -> WhatsAppHarness:
        self.store = SQLiteStore(self.db_path)
        await self.store.open()
        self.engine = make_engine(content=self.tree, catalogs=self.catalogs, store=self.store)
        self.web = WebServer("127.0.0.1", 0)
        config = WhatsAppConfig(phone_number_id=PHONE_NUMBER_ID, api_base_url=self.fake.url, token=TOKEN,
                                app_secret=APP_SECRET, verify_token=VERIFY_TOKEN, templates=self.templates)
        client = CloudApiClient(config.api_base_url, config.phone_number_id, config.token, backoff=0.01)
        self.channel = WhatsAppChannel(config, self.engine, self.web, client=client)
        await self.web.start()
        await self.channel.start()
        self.http = httpx.AsyncClient(base_url=self.web.url, timeout=10)
        return self

    async def stop(self) -> None:
        await self.http.aclose()
        await self.channel.stop()
        await self.web.stop()
        await self.store.close()

    async def post(self, body: dict[str, Any] | bytes, *, sig: str | None = None, signed: bool = True,
                   wait: bool = True) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = sig if sig is not None else signature(raw, APP_SECRET)
        resp = await self.http.post("/webhook/whatsapp", content=raw, headers=headers)
        if wait:
            await self.channel.wait_idle()
        return resp


@pytest.fixture
async def wa(fake_graph: FakeGraph, db_path: Path, sample_tree: ContentTree,
             catalogs: Catalogs) -> AsyncIterator[WhatsAppHarness]:
    harness = await WhatsAppHarness(fake_graph, db_path, sample_tree, catalogs).start()
    yield harness
    await harness.stop()
