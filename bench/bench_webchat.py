"""Benchmark: web chat turns over HTTP with many sessions, against the engine alone, in one run.

The browsers are a separate process (``--client``, started by this script): 200 sessions,
each with its own HTTP/1.1 keep-alive connection and cookie, as 200 browsers with the chat's
script on. A turn is what the script does: a ``POST /chat/send`` whose answer carries the
turn's replies; after its first turn each session also runs the script's long poll (``GET
/chat/poll``) on a second connection, for staff answers and broadcasts: it starts after the id the
first answer says the page has (a new session's first post), so it waits (against a server
that does not say, its first poll gets the first turn's replies again).
The client is a minimal one on asyncio streams (httpx costs several times the server's work
per request, which would measure httpx).

The server (engine, channel, web server, SQLite) runs in this process, the same turns (same
scripts, same seed) also run through ``Engine.handle`` alone on a fresh SQLite file; the
phases alternate, ``--repeat`` times, both under the process settings of ``marhaba run``
(its garbage collector tuned once start-up is done: ``bot.runner.tune_gc``). Two figures per phase:

* **CPU per turn** of this process (``time.process_time``: every thread, the SQLite writer
  and reader included), which excludes the client's own work: this is the cost the goal is
  about (a web chat turn at most 2x an engine turn);
* **turns/s** end to end (wall clock, the client's work on the other core included).

    python bench/bench_webchat.py [--sessions 200] [--turns 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.webchat import WebChatChannel, WebChatConfig  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core import Engine, Incoming  # noqa: E402
from bot.features.navigation import FEATURE as NAVIGATION  # noqa: E402 - the built-in commands and buttons
from bot.i18n import LOCALES, Catalogs  # noqa: E402
from bot.runner import tune_gc  # noqa: E402 - as `marhaba run` once started
from bot.store import SQLiteStore  # noqa: E402
from bot.web import WebServer  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


# -- the browsers (the client process) ---------------------------------------


class Connection:
    """One HTTP/1.1 keep-alive connection with a session's cookie; responses read by Content-Length."""

    def __init__(self, port: int, jar: dict[str, str]) -> None:
        self.port, self.jar = port, jar

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    def send(self, method: str, path: str, body: bytes = b"") -> None:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
        if self.jar.get("cookie"):
            head += f"Cookie: {self.jar['cookie']}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)

    async def answer(self) -> tuple[int, bytes]:
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie" and not self.jar.get("cookie"):
                self.jar["cookie"] = value.strip().split(";")[0]
        return int(lines[0].split()[1]), await self.reader.readexactly(length)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        self.send(method, path, body)
        return await self.answer()

    def close(self) -> None:
        self.writer.close()


async def browsers(port: int, scripts: list[list[dict[str, str]]]) -> None:
    """The client process: connect every session, say ``ready``, run on ``go``, print the wall time."""
    jars: list[dict[str, str]] = [{} for _ in scripts]
    sends = [await Connection(port, jar).open() for jar in jars]
    polls = [Connection(port, jar) for jar in jars]
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)

    async def long_poll(poll: Connection, tab: str, after: int) -> None:
        """The script's poll loop: from what the page has, for what comes later."""
        await poll.open()
        while True:
            status, body = await poll.request("GET", f"/chat/poll?after={after}&tab={tab}")
            answer = json.loads(body)
            after = max([answer.get("after", 0), after] + [m["id"] for m in answer["messages"]])

    async def session(send: Connection, poll: Connection, steps: list[dict[str, str]], tab: str) -> None:
        after = 0
        for n, step in enumerate(steps):
            status, body = await send.request("POST", "/chat/send",
                                              json.dumps({**step, "id": f"t{n}", "tab": tab}).encode())
            assert status == 200, status
            got = json.loads(body).get("messages")
            if got is None:  # a server without replies in the answer: fetch them, as its script did
                status, body = await send.request("GET", f"/chat/poll?after={after}")
                got = json.loads(body)["messages"]
            assert got, "a turn without a reply"
            after = got[-1]["id"]
            if n == 0:  # then the script starts its long poll, from what the first answer said the page has
                polling.append(asyncio.create_task(long_poll(poll, tab, json.loads(body).get("after", 0))))

    polling: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    await asyncio.gather(*(session(s, p, steps, f"tab{n}")
                           for n, (s, p, steps) in enumerate(zip(sends, polls, scripts, strict=True))))
    print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
    for task in polling:
        task.cancel()
    for c in sends + polls:
        if hasattr(c, "writer"):
            c.close()


# -- the server and the engine (this process) ---------------------------------


@dataclass(frozen=True)
class Figures:
    turns_per_second: float
    cpu_ms_per_turn: float


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


async def webchat_phase(tree, catalogs: Catalogs, scripts: list[list[dict[str, str]]], db: Path) -> Figures:  # type: ignore[no-untyped-def]
    async with SQLiteStore(db) as store:
        engine = Engine(content=tree, catalogs=catalogs, store=store, features=(NAVIGATION,))
        web = WebServer("127.0.0.1", 0)
        channel = WebChatChannel(WebChatConfig(), engine, web)
        channel.addresses.limits = channel.addresses.limits.off()  # every session comes from 127.0.0.1 here
        await channel.start()
        await web.start()
        job = db.with_suffix(".json")
        job.write_text(json.dumps(scripts))
        client = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--client", str(web.port), str(job),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert client.stdin is not None and client.stdout is not None
        assert (await client.stdout.readline()).strip() == b"ready", "the client did not connect"
        cpu = time.process_time()
        client.stdin.write(b"go\n")
        await client.stdin.drain()
        line = await client.stdout.readline()
        cpu = time.process_time() - cpu
        await client.wait()
        assert client.returncode == 0, "the client failed"
        seconds = json.loads(line)["seconds"]
        await channel.stop()
        await web.stop()
    turns = sum(len(s) for s in scripts)
    return Figures(turns / seconds, cpu * 1000 / turns)


async def engine_phase(tree, catalogs: Catalogs, scripts: list[list[dict[str, str]]], db: Path) -> Figures:  # type: ignore[no-untyped-def]
    async with SQLiteStore(db) as store:
        engine = Engine(content=tree, catalogs=catalogs, store=store, features=(NAVIGATION,))

        async def session(user: int, steps: list[dict[str, str]]) -> None:
            for step in steps:
                assert await engine.handle(Incoming("webchat", f"s{user}", **step))  # type: ignore[arg-type]

        cpu, start = time.process_time(), time.perf_counter()
        await asyncio.gather(*(session(u, s) for u, s in enumerate(scripts)))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    turns = sum(len(s) for s in scripts)
    return Figures(turns / elapsed, cpu * 1000 / turns)


async def main(sessions: int, turns: int, repeat: int) -> None:
    tree = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    tune_gc()  # the server's process settings (`marhaba run`), for both phases alike
    figures: dict[str, list[Figures]] = {"web": [], "engine": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat):
            rng = random.Random(run)
            scripts = [script_for(tree, turns, rng) for _ in range(sessions)]
            phases = [("web", webchat_phase), ("engine", engine_phase)]
            if run % 2:
                phases.reverse()  # who goes first alternates
            for name, phase in phases:
                got = await phase(tree, catalogs, scripts, Path(tmp) / f"{name}-{run}.db")
                figures[name].append(got)
                print(f"run {run + 1} {name}: {got.turns_per_second:,.0f} turns/s, "
                      f"{got.cpu_ms_per_turn:.3f} ms CPU per turn", flush=True)
    rate = {k: statistics.median(f.turns_per_second for f in v) for k, v in figures.items()}
    cpu = {k: statistics.median(f.cpu_ms_per_turn for f in v) for k, v in figures.items()}
    print(f"medians of {repeat}: web chat {rate['web']:,.0f} turns/s, {cpu['web']:.3f} ms CPU per turn; "
          f"engine alone {rate['engine']:,.0f} turns/s, {cpu['engine']:.3f} ms CPU per turn")
    print(f"server CPU per web chat turn: {cpu['web'] / cpu['engine']:.2f}x the engine's (goal <= 2x); "
          f"turns/s end to end: the engine's is {rate['engine'] / rate['web']:.2f}x the web chat's")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--client", nargs=2, metavar=("PORT", "SCRIPTS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(browsers(int(args.client[0]), json.loads(Path(args.client[1]).read_text())))
    else:
        asyncio.run(main(args.sessions, args.turns, args.repeat))
