"""``marhaba run messenger`` as a real subprocess against the fake Graph API: secrets never logged."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path

import httpx

from bot.channels.messenger import signature
from tests.channels.messenger.conftest import (
    APP_SECRET,
    VERIFY_TOKEN,
    quick_reply_webhook,
    text_webhook,
)
from tests.channels.messenger.fake_graph import TOKEN, FakeGraph
from tests.serving import start_run

PERSON = "7100000000000001"


def run_env(fake_graph: FakeGraph, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TELEGRAM_", "MARHABA_", "MESSENGER_"))}
    env.update({"MARHABA_HOST": "127.0.0.1", "MARHABA_DB": str(tmp_path / "run.db"), "MARHABA_ENV_FILE": "",
                "MESSENGER_PAGE_TOKEN": TOKEN, "MESSENGER_APP_SECRET": APP_SECRET,
                "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN, "MESSENGER_API_BASE_URL": fake_graph.url})
    return env


async def post(client: httpx.AsyncClient, body: dict, *, signed: bool = True) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = {"X-Hub-Signature-256": signature(raw, APP_SECRET)} if signed else {}
    return await client.post("/webhook/messenger", content=raw, headers=headers)


async def test_marhaba_run_messenger_serves_the_webhook_and_logs_no_secret(fake_graph: FakeGraph,
                                                                          tmp_path: Path) -> None:
    fake_graph.locales[PERSON] = "ar_AR"
    running = await start_run(["messenger"], run_env(fake_graph, tmp_path), tmp_path)
    proc = running.proc
    try:
        # "serving on" comes when the web server listens; the channel's route is added as it starts,
        # before it sets the Messenger Profile.
        await asyncio.wait_for(fake_graph.profile_set.wait(), 30)
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
            ok = await client.get("/webhook/messenger", params={
                "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"})
            assert (ok.status_code, ok.text) == (200, "42")
            assert (await post(client, text_webhook(PERSON, "hello", "m_run1"), signed=False)).status_code == 401
            assert (await post(client, text_webhook(PERSON, "hello", "m_run2"))).status_code == 200
            await fake_graph.wait_for(1)
            assert fake_graph.sent[-1]["message"]["quick_replies"][0]["payload"] == "lang:ar"  # ar_AR first
            await post(client, quick_reply_webhook(PERSON, "lang:en", "m_run3"))
            await fake_graph.wait_for(2)
            assert fake_graph.sent[-1]["message"]["quick_replies"][0]["payload"].startswith("n:")
        assert fake_graph.profiles and fake_graph.rejected == []
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 15) == 0
    log = await running.log()
    assert "Traceback" not in log
    assert TOKEN not in log and APP_SECRET not in log and VERIFY_TOKEN not in log and "hello" not in log
