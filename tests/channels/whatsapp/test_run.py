"""``marhaba run whatsapp`` as a real subprocess against the fake Graph API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.channels.whatsapp import signature
from tests.channels._workers import until_healthy
from tests.channels.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN, reply_webhook, text_webhook
from tests.channels.whatsapp.fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph
from tests.serving import Running, start_run

USER = "93700000001"  # an Afghan number: Dari is offered first


def run_env(fake_graph: FakeGraph, tmp_path: Path) -> dict[str, str]:
    """The environment of `marhaba run whatsapp` against the fake Graph API, on ``tmp_path/run.db``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TELEGRAM_", "MARHABA_"))}
    env.update({
        "MARHABA_HOST": "127.0.0.1", "MARHABA_DB": str(tmp_path / "run.db"),
        "MARHABA_ENV_FILE": str(tmp_path / "empty.env"),
        "WHATSAPP_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_API_BASE_URL": fake_graph.url,
    })
    (tmp_path / "empty.env").write_text("")
    return env


@pytest.fixture
async def served(fake_graph: FakeGraph, tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Running]]:
    running = await start_run(["whatsapp"], run_env(fake_graph, tmp_path), tmp_path)
    proc = running.proc
    client = httpx.AsyncClient(base_url=running.url, timeout=10)
    try:
        await until_healthy(client, proc)
        yield client, running
    finally:
        await client.aclose()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 15)


async def post(client: httpx.AsyncClient, body: dict, *, signed: bool = True) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = {"X-Hub-Signature-256": signature(raw, APP_SECRET)} if signed else {}
    return await client.post("/webhook/whatsapp", content=raw, headers=headers)


async def test_marhaba_run_whatsapp_verifies_answers_and_navigates(served, fake_graph: FakeGraph,
                                                                   tmp_path: Path) -> None:
    client, running = served
    proc = running.proc
    ok = await client.get("/webhook/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                                       "hub.challenge": "42"})
    assert (ok.status_code, ok.text) == (200, "42")
    assert (await post(client, text_webhook(USER, "hello", "wamid.run1"), signed=False)).status_code == 401

    assert (await post(client, text_webhook(USER, "hello", "wamid.run2"))).status_code == 200
    await fake_graph.wait_for(1)
    picker = fake_graph.sent[-1]["interactive"]
    assert picker["type"] == "list"
    assert picker["action"]["sections"][0]["rows"][0]["id"] == "lang:fa_AF"

    await post(client, reply_webhook(USER, "lang:en", "wamid.run3"))
    await fake_graph.wait_for(2)
    menu = fake_graph.sent[-1]["interactive"]
    assert [r["id"] for r in menu["action"]["sections"][0]["rows"]][:2] == ["n:language-classes",
                                                                          "n:cultural-orientation"]
    await post(client, reply_webhook(USER, "n:health", "wamid.run4"))
    await fake_graph.wait_for(3)
    assert "Health" in json.dumps(fake_graph.sent[-1], ensure_ascii=False)
    await post(client, reply_webhook(USER, "n:health", "wamid.run4"))  # redelivered: no answer
    await post(client, text_webhook(USER, "menu", "wamid.run5"))
    await fake_graph.wait_for(4)
    # One user's messages are answered in order: the 4th answer is the menu, not Health again,
    # and a later message's answer comes 5th.
    assert "Health" not in json.dumps(fake_graph.sent[3]["interactive"]["body"], ensure_ascii=False)
    await post(client, text_webhook(USER, "back", "wamid.run6"))
    await fake_graph.wait_for(5)
    assert len(fake_graph.sent) == 5
    assert fake_graph.rejected == []

    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 15) == 0
    log = await running.log()
    assert "Traceback" not in log
    assert TOKEN not in log and APP_SECRET not in log and "hello" not in log  # no secrets, no message text
    # No key of the operator's own: one is created beside the database, never in it, and `run` says so.
    assert (tmp_path / "run.db.key").stat().st_mode & 0o777 == 0o600
    assert "MARHABA_SECRET_KEY is not set: log pseudonyms are keyed with" in log


async def test_a_message_acknowledged_by_a_worker_killed_before_answering_is_answered_once_after_restart(
        fake_graph: FakeGraph, tmp_path: Path) -> None:
    fake_graph.gate = asyncio.Event()  # the answer's send is held until the worker is dead
    env = run_env(fake_graph, tmp_path)
    first = await start_run(["whatsapp"], env, tmp_path)
    async with httpx.AsyncClient(base_url=first.url, timeout=10) as client:
        await until_healthy(client, first.proc)
        assert (await post(client, text_webhook(USER, "hello", "wamid.crash1"))).status_code == 200
        await fake_graph.until(lambda: fake_graph.waiting == 1)
    first.proc.kill()
    await first.proc.wait()
    fake_graph.gate.set()  # what the killed worker was sending never arrived
    second = await start_run(["whatsapp"], env, tmp_path)
    try:
        async with httpx.AsyncClient(base_url=second.url, timeout=10) as client:
            await until_healthy(client, second.proc)
            await fake_graph.wait_for(1)  # the acknowledged message, answered from the inbox at start
            assert fake_graph.sent[0]["interactive"]["type"] == "list"  # the language picker
            # Meta delivers it again (it never saw an answer): refused; the next message is answered next.
            assert (await post(client, text_webhook(USER, "hello", "wamid.crash1"))).status_code == 200
            assert (await post(client, reply_webhook(USER, "lang:en", "wamid.crash2"))).status_code == 200
            await fake_graph.wait_for(2)
            assert "n:health" in json.dumps(fake_graph.sent[1])
    finally:
        second.proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.proc.wait(), 30) == 0
    assert len(fake_graph.sent) == 2
    assert "Traceback" not in await second.log()


async def test_a_second_marhaba_run_on_the_same_database_is_refused_at_once(
        served, fake_graph: FakeGraph, tmp_path: Path) -> None:
    _client, running = served
    first = running.proc
    second = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "whatsapp", env={**run_env(fake_graph, tmp_path), "MARHABA_PORT": "0"},
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(second.communicate(), 60)
    assert second.returncode != 0
    assert "another `marhaba run` is already serving" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert first.returncode is None  # the first one serves on

    # Killed, the first leaves no stale lock: the next start serves.
    first.kill()
    await first.wait()
    third = await start_run(["whatsapp"], run_env(fake_graph, tmp_path), tmp_path)
    try:
        async with httpx.AsyncClient(base_url=third.url, timeout=10) as client:
            await until_healthy(client, third.proc)
    finally:
        third.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(third.proc.wait(), 30)
