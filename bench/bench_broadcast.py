"""Benchmark: a broadcast to thousands of Telegram subscribers against a loopback Bot API that enforces a cap.

The fake Bot API (the tests' server, in a process of its own) refuses with 429
any message over ``cap`` in a one-second window. The sender is the real
``marhaba broadcast send --yes`` in a subprocess, with the real outbox in a
SQLite file. Achieved rate is measured at the server, first to last accepted
message. Baseline, in the same run: a bare python-telegram-bot loop that
sends the same messages with a fixed ``1/cap`` pause and no outbox.

    .venv/bin/python bench/bench_broadcast.py [--users 5000] [--caps 30,500] [--no-baseline]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from telegram import Bot  # noqa: E402
from telegram.error import RetryAfter  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.features.broadcast import outbox_of  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI  # noqa: E402

TEXT = "Job fair on Sunday 14 March, 10:00-16:00, Exhibition Hall. Bring your CV."


async def seed(db: Path, users: int) -> None:
    async with SQLiteStore(db) as store:
        outbox = outbox_of(store)

        async def one(i: int) -> None:
            user = await store.get_or_create_user("telegram", str(10_000_000 + i))
            await store.set_locale(user.id, "en")
            await outbox.subscribe(user.id, "jobs")

        for start in range(0, users, 500):
            await asyncio.gather(*(one(i) for i in range(start, min(users, start + 500))))


class Server:
    """The fake Bot API in a child process (so it does not share a CPU with the sender); ``stats`` at the end."""

    def __init__(self, cap: int) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve, args=(cap, child), daemon=True)
        self._process.start()
        self.base_url: str = self._conn.recv()

    def stats(self) -> tuple[float, int, int]:
        """(achieved messages/s at the server, accepted messages, 429s); stops the server."""
        self._conn.send("stats")
        times, too_many = self._conn.recv()
        self._process.join(10)
        rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        return rate, len(times), too_many


def _serve(cap: int, conn: multiprocessing.connection.Connection) -> None:
    api = FakeBotAPI(rate_cap=cap).start()
    conn.send(api.base_url)
    conn.recv()
    times = sorted(c.at for c in api.calls_of("sendMessage") if isinstance(c.result, dict))
    conn.send((times, api.too_many))
    api.stop()


def run_marhaba(cap: int, users: int) -> tuple[float, int, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        asyncio.run(seed(db, users))
        api = Server(cap)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "MARHABA_"))}
        env.update(TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, MARHABA_DB=str(db), MARHABA_ENV_FILE="",
                   MARHABA_TELEGRAM_RATE=str(cap))  # the platform allows this bot `cap` a second
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "bot", "broadcast", "send", "--topic", "jobs", "--text", TEXT,
             "--rate", str(cap), "--yes"], env=env, cwd=tmp, capture_output=True, text=True,
            stdin=subprocess.DEVNULL)
        wall = time.monotonic() - started
        stats = api.stats()
        if result.returncode != 0:
            raise SystemExit(f"marhaba broadcast failed:\n{result.stderr[-2000:]}")
    return (*stats, wall)


async def bare(api: Server, cap: int, users: int) -> None:
    bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest(connection_pool_size=64))
    async with bot:
        async def send(chat: int) -> None:
            with contextlib.suppress(RetryAfter):  # the naive loop does not retry: its 429s are counted
                await bot.send_message(chat, TEXT)
        tasks = []
        for i in range(users):
            tasks.append(asyncio.create_task(send(10_000_000 + i)))
            await asyncio.sleep(1 / cap)
        await asyncio.gather(*tasks)


def run_bare(cap: int, users: int) -> tuple[float, int, int]:
    api = Server(cap)
    asyncio.run(bare(api, cap, users))
    return api.stats()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--caps", default="30,500", help="comma-separated caps in messages per second")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    caps = [int(c) for c in args.caps.split(",")]
    print(f"{args.users} subscribers; python {sys.version.split()[0]}")
    print(f"{'cap/s':>6}  {'sender':<28} {'accepted':>8} {'rate/s':>8} {'of cap':>7} {'429s':>5} {'wall s':>7}")
    for cap in caps:
        rate, accepted, too_many, wall = run_marhaba(cap, args.users)
        print(f"{cap:>6}  {'marhaba broadcast send':<28} {accepted:>8} {rate:>8.1f} {rate / cap:>7.1%} "
              f"{too_many:>5} {wall:>7.1f}", flush=True)
        if not args.no_baseline:
            rate, accepted, too_many = run_bare(cap, args.users)
            print(f"{cap:>6}  {'bare PTB, sleep(1/cap)':<28} {accepted:>8} {rate:>8.1f} {rate / cap:>7.1%} "
                  f"{too_many:>5} {'':>7}", flush=True)


if __name__ == "__main__":
    main()
