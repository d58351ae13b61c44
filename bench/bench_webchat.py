"""Benchmark: web chat turns/s with many sessions over HTTP, against the engine alone, in one run.

Each session is one HTTP/1.1 keep-alive connection with its own cookie, as one browser: a turn
is what the script does, a ``POST /chat/send`` and the ``GET /chat/poll`` that fetches the reply.
The client is a minimal one on asyncio streams (httpx costs several times the server's work
per request, which would measure httpx). The same turns
(same scripts, same seed) also run through ``Engine.handle`` alone, on a fresh SQLite file.
Both phases alternate, ``--repeat`` times; the medians and the cost ratio are printed.
The clients run in the same process and on the same 2 cores as the server, so their (small)
cost is part of the web chat figure. Goal: a web chat turn costs at most 2x an engine turn.

    python bench/bench_webchat.py [--sessions 200] [--turns 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.webchat import WebChatChannel, WebChatConfig  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core import Engine, Incoming  # noqa: E402
from bot.features.navigation import FEATURE as NAVIGATION  # noqa: E402 - the built-in commands and buttons
from bot.i18n import LOCALES, Catalogs  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402
from bot.web import WebServer  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


class Browser:
    """One session's connection: requests with its cookie, responses read by Content-Length."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
        if self.cookie:
            head += f"Cookie: {self.cookie}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie" and not self.cookie:
                self.cookie = value.strip().split(";")[0]
        return int(lines[0].split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


def script_for(tree, turns: int, rng: random.Random) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """A plausible session, as the script posts it: a language, then pages, the menu, typed words."""
    steps = [{"payload": f"lang:{rng.choice(list(LOCALES))}"}]
    node = tree.root
    while len(steps) < turns:
        roll = rng.random()
        if roll < 0.7 and node.children:
            node = tree.nodes[rng.choice(node.children)]
            steps.append({"payload": f"n:{node.id}"})
        elif roll < 0.8:
            steps.append({"payload": "cmd:progress"})
        else:
            node = tree.root
            steps.append({"text": "menu"} if roll < 0.9 else {"payload": "cmd:menu"})
    return steps


async def webchat_phase(tree, catalogs: Catalogs, scripts: list[list[dict[str, str]]], db: Path) -> float:  # type: ignore[no-untyped-def]
    async with SQLiteStore(db) as store:
        engine = Engine(content=tree, catalogs=catalogs, store=store, features=(NAVIGATION,))
        web = WebServer("127.0.0.1", 0)
        channel = WebChatChannel(WebChatConfig(), engine, web)
        channel.addresses.limits = channel.addresses.limits.off()  # every session comes from 127.0.0.1 here
        await channel.start()
        await web.start()
        clients = [Browser(web.port) for _ in scripts]
        for c in clients:
            await c.open()

        async def session(client: Browser, steps: list[dict[str, str]]) -> None:
            after = 0
            for step in steps:
                status, _ = await client.request("POST", "/chat/send", json.dumps(step).encode())
                assert status == 200, status
                status, body = await client.request("GET", f"/chat/poll?after={after}")
                got = json.loads(body)["messages"]
                assert status == 200 and got, "a turn without a reply"
                after = got[-1]["id"]

        start = time.perf_counter()
        await asyncio.gather(*(session(c, s) for c, s in zip(clients, scripts, strict=True)))
        elapsed = time.perf_counter() - start
        for c in clients:
            c.close()
        await channel.stop()
        await web.stop()
    return sum(len(s) for s in scripts) / elapsed


async def engine_phase(tree, catalogs: Catalogs, scripts: list[list[dict[str, str]]], db: Path) -> float:  # type: ignore[no-untyped-def]
    async with SQLiteStore(db) as store:
        engine = Engine(content=tree, catalogs=catalogs, store=store, features=(NAVIGATION,))

        async def session(user: int, steps: list[dict[str, str]]) -> None:
            for step in steps:
                assert await engine.handle(Incoming("webchat", f"s{user}", **step))  # type: ignore[arg-type]

        start = time.perf_counter()
        await asyncio.gather(*(session(u, s) for u, s in enumerate(scripts)))
        elapsed = time.perf_counter() - start
    return sum(len(s) for s in scripts) / elapsed


async def main(sessions: int, turns: int, repeat: int) -> None:
    tree = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    web_rates, engine_rates = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            rng = random.Random(run)
            scripts = [script_for(tree, turns, rng) for _ in range(sessions)]
            phases = [("web", webchat_phase), ("engine", engine_phase)]
            if run % 2:
                phases.reverse()  # who goes first alternates
            for name, phase in phases:
                rate = await phase(tree, catalogs, scripts, Path(tmp) / f"{name}-{run}.db")
                (web_rates if name == "web" else engine_rates).append(rate)
                print(f"run {run + 1} {name}: {rate:,.0f} turns/s", flush=True)
    web, eng = statistics.median(web_rates), statistics.median(engine_rates)
    print(f"web chat: {web:,.0f} turns/s (median of {repeat}); engine alone: {eng:,.0f} turns/s; "
          f"cost per turn {eng / web:.2f}x the engine's (goal <= 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.sessions, args.turns, args.repeat))
