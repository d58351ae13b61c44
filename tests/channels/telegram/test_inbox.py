"""Webhook updates go through the durable inbox: stored before "ok", handled once, never lost to a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bot.core import Engine
from bot.store import kept_id
from bot.web import WebServer
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI, message_update
from tests.channels.telegram.test_webhook import SECRET, post, start_update, webhook
from tests.features.staff.test_reload import eventually
from tests.serving import RunningSync, start_run_sync
from tests.store import data

__all__ = ["webhook"]  # the webhook-mode channel fixture

PUBLIC_URL = "https://bot.example.org/webhook/telegram"


async def test_an_update_delivered_five_times_is_answered_once(webhook: WebServer, fake_api: FakeBotAPI,
                                                               engine: Engine) -> None:
    for _ in range(5):
        assert await post(webhook, start_update(6101), SECRET) == 200
    assert await post(webhook, start_update(6102), SECRET) == 200  # a later update, from someone else
    await fake_api.wait_for("sendMessage", 6102)
    await fake_api.wait_for("sendMessage", 6101)
    assert len(fake_api.calls_of("sendMessage", 6101)) == 1
    # What is kept of a handled update is its id's digest: the message itself is gone (cleared right after the
    # answer was sent, so wait for that rather than read while the turn still ends).
    async def kept() -> list[tuple]:
        return await data.rows(engine.store, "inbox", "platform_id, payload", order="platform_id")

    async def handled() -> bool:
        return all(payload is None for _, payload in await kept())

    await eventually(handled)
    assert await kept() == sorted([(kept_id("6101"), None), (kept_id("6102"), None)])


def start(fake_api: FakeBotAPI, tmp_path: Path) -> RunningSync:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_", "MARHABA_"))}
    env.update(TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake_api.base_url, TELEGRAM_WEBHOOK_URL=PUBLIC_URL,
               TELEGRAM_WEBHOOK_SECRET=SECRET, MARHABA_DB=str(tmp_path / "run.db"), MARHABA_HOST="127.0.0.1",
               MARHABA_ENV_FILE="")
    return start_run_sync(["telegram"], env, tmp_path)


def deliver(port: int, update: dict) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/webhook/telegram", data=json.dumps(update).encode(),
                                     method="POST", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                                                             "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def until_webhook_set(fake_api: FakeBotAPI, process: subprocess.Popen[str], count: int) -> None:
    deadline = time.monotonic() + 60
    while len(fake_api.calls_of("setWebhook")) < count:
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "the webhook was never registered"
        time.sleep(0.05)


def test_updates_acknowledged_before_a_sigkill_are_answered_after_the_restart(fake_api: FakeBotAPI,
                                                                             tmp_path: Path) -> None:
    chats = list(range(7200, 7220))
    running = start(fake_api, tmp_path)
    first, port = running.proc, running.port
    try:
        until_webhook_set(fake_api, first, 1)
        fake_api.hold("sendMessage")  # Telegram hangs: every turn is stuck at its answer
        updates = [{"update_id": 50_000 + i, **message_update(chat, "/start", "en")} for i, chat in enumerate(chats)]
        assert [deliver(port, u) for u in updates] == [200] * len(chats)  # all acknowledged
        fake_api.wait_for_held(len(chats))
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        first.kill()
        first.communicate()
    fake_api.release()
    assert fake_api.sent_to() == {}

    running = start(fake_api, tmp_path)
    second, port = running.proc, running.port
    try:
        until_webhook_set(fake_api, second, 2)
        deadline = time.monotonic() + 60
        while set(fake_api.sent_to()) != set(chats):
            assert second.poll() is None, second.communicate()[1]
            assert time.monotonic() < deadline, f"answered: {sorted(fake_api.sent_to())}"
            time.sleep(0.05)
        # A late redelivery of one of them is acknowledged and not answered again; a new one is.
        assert deliver(port, updates[0]) == 200
        assert deliver(port, {"update_id": 60_000, **message_update(7299, "/start", "en")}) == 200
        while 7299 not in fake_api.sent_to():
            assert time.monotonic() < deadline, "the new update was not answered"
            time.sleep(0.05)
        assert fake_api.sent_to() == {**{chat: 1 for chat in chats}, 7299: 1}
    finally:
        stderr = running.stop()
    assert "Traceback" not in stderr
