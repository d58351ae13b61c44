"""The platform's cap holds across every process: two ``marhaba run`` workers answering people while
``marhaba broadcast send`` and ``broadcast resume`` send, against a fake Bot API that answers 429 over the cap.

Before the shared bucket, a broadcast held the cap on its own (the ``send:telegram`` lease) but the
workers' replies were not counted with it: together they went over 30 a second.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from bot.features.broadcast import outbox_of
from bot.store.postgres import PostgresStore
from tests.channels.telegram.fake_botapi import FakeBotAPI, message_update
from tests.features.broadcast.conftest import add_subscribers
from tests.workers import Worker, wait_until, worker_env

CAP = 30
"""Telegram's cap, as the fake Bot API enforces it: a 31st message in any one second is refused with 429."""
SUBSCRIBERS = [str(820_000 + i) for i in range(150)]
PEOPLE = [830_000 + i for i in range(40)]
NEWS = "News about jobs"


async def subscribe(url: str) -> None:
    async with PostgresStore(url) as store:
        await add_subscribers(store, outbox_of(store), "telegram", SUBSCRIBERS, "jobs", "en")  # type: ignore[arg-type]


def broadcast(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot", "broadcast", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)


def test_replies_of_two_workers_and_a_broadcast_from_two_processes_stay_within_the_cap_and_replies_go_first(
        postgres_url: str, tmp_path: Path) -> None:
    asyncio.run(subscribe(postgres_url))
    api = FakeBotAPI(rate_cap=CAP).start()
    env = worker_env(api, postgres_url)
    workers = [Worker(name, env, tmp_path) for name in ("a", "b")]
    senders: list[subprocess.Popen[str]] = []
    try:
        for worker in workers:
            worker.wait_for_log("channel telegram started")
        senders.append(broadcast("send", "--topic", "jobs", "--text", NEWS, "--rate", str(CAP), "--yes",
                                 env=env, cwd=tmp_path))
        api.wait_for_sync("sendMessage", count=20, timeout=60)  # the broadcast sends at the full rate
        senders.append(broadcast("resume", "--rate", str(CAP), env=env, cwd=tmp_path))  # waits its turn
        for person in PEOPLE:  # people write while it sends: the polling worker answers them
            api.push(message_update(person, "/start"))
        wait_until(lambda: all(api.sent_to()[p] for p in PEOPLE), "every person answered")
        for process in senders:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        logs = [worker.stop() for worker in workers]
    finally:
        for process in senders:
            if process.poll() is None:
                process.kill()
                process.communicate()
        for worker in workers:
            worker.stop()
        api.stop()
    assert api.too_many == 0, f"{api.too_many} messages refused with 429"
    sent = api.calls_of("sendMessage")
    news = [c for c in sent if NEWS in c.params.get("text", "")]
    assert sorted(c.params["chat_id"] for c in news) == sorted(int(s) for s in SUBSCRIBERS)  # each once
    replies = [c for c in sent if c.params["chat_id"] in PEOPLE]
    per_person = {p: sum(1 for c in replies if c.params["chat_id"] == p) for p in PEOPLE}
    assert len(set(per_person.values())) == 1, per_person  # everyone got the same answer, none twice
    # Not starved: every answer went out while the broadcast was still sending.
    assert max(c.at for c in replies) < max(c.at for c in news)
    for log in logs:
        assert "Traceback" not in log, log
