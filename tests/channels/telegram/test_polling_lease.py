"""Long polling with several ``marhaba run`` workers on one PostgreSQL database: one polls, another takes over
when it dies."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.channels.telegram._channel import POLLING_LEASE
from bot.core import Engine
from bot.store import Leases
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI, message_update
from tests.workers import Worker, wait_until, worker_env

POLLING = "Telegram long polling started"
WAITING = "another process long-polls"


def test_one_of_two_workers_long_polls_and_the_other_takes_over_when_it_is_killed(
        postgres_url: str, tmp_path: Path) -> None:
    api = FakeBotAPI().start()
    workers = [Worker(name, worker_env(api, postgres_url), tmp_path) for name in ("a", "b")]
    try:
        for worker in workers:
            worker.wait_for_log("channel telegram started")
        (poller,) = [w for w in workers if POLLING in w.log()]
        (other,) = [w for w in workers if w is not poller]
        assert WAITING in other.log()
        api.push(message_update(9101, "/start"))
        wait_until(lambda: bool(api.calls_of("sendMessage", 9101)), "an answer from the polling worker")
        polls = api.polls
        wait_until(lambda: api.polls >= polls + 2, "two more long polls")  # the waiting one keeps waiting
        assert api.most_polling == 1, "two workers called getUpdates at once"
        assert POLLING not in other.log()

        poller.kill()
        other.wait_for_log(POLLING)  # the dead worker's lease ran out
        api.push(message_update(9102, "/start"))
        wait_until(lambda: bool(api.calls_of("sendMessage", 9102)), "an answer after the take-over")
        log = other.stop()
    finally:
        for worker in workers:
            worker.stop()
        api.stop()
    assert other.proc.returncode == 0 and "Traceback" not in log, log


async def test_a_poller_that_lost_its_lease_stops_polling_and_polls_again_when_it_gets_it_back(
        fake_api: FakeBotAPI, engine: Engine) -> None:
    settings = TelegramSettings.from_settings(telegram_settings(fake_api, MARHABA_LEASE_SECONDS="1.5"))
    channel = TelegramChannel(settings, engine, WebServer("127.0.0.1", 0))
    harness = Harness(fake_api, channel)
    await channel.start()
    updater = channel.application.updater
    assert updater is not None and updater.running
    try:
        # As if this process had stalled past its lease and another took polling over for two seconds:
        now = time.time() + 1.6
        assert await Leases(engine.store).acquire(POLLING_LEASE, "another-worker", 2.0, now=now)
        async with asyncio.timeout(30):
            while updater.running:
                await asyncio.sleep(0.02)
            while not updater.running:  # the other one's lease ran out: this one polls again
                await asyncio.sleep(0.02)
        await harness.deliver(message_update(9103, "/start"))
        assert fake_api.calls_of("sendMessage", 9103)
    finally:
        await channel.stop()
