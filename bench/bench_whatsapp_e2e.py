"""Benchmark: WhatsApp end to end, Marhaba against a bare webhook, each a separate process, in one run.

Three processes besides this one (the load): the fake Graph API (tests/channels/whatsapp/fake_graph.py),
``marhaba run whatsapp`` on a fresh SQLite file (or ``--postgres``: a throwaway PostgreSQL server), and
the baseline, a minimal tornado webhook that checks the signature and answers each message with one
Graph call (httpx, keep-alive, as Marhaba's client), with no store and no engine. The load posts signed
webhooks (the recorded payloads of the tests, each user's script: "hello", a language, a topic, "menu",
"back") over keep-alive connections, a step for all users at once, and waits until the fake Graph
API has accepted every answer. Per message it reports the wall time and the CPU time of the serving
process (user + system, from /proc: robust to the other load on a shared machine), both phases
alternating ``--repeat`` times; medians and the ratio to the baseline. Goal of #19: Marhaba costs
at most 2x the baseline per message.

    python bench/bench_whatsapp_e2e.py [--users 200] [--connections 20] [--repeat 3] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.whatsapp import signature  # noqa: E402
from tests.channels.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN, reply_webhook, text_webhook  # noqa: E402
from tests.channels.whatsapp.fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph  # noqa: E402
from tests.serving import start_run  # noqa: E402

SCRIPT: list[tuple[str, str]] = [("text", "hello"), ("reply", "lang:en"), ("reply", "n:health"),
                                 ("text", "menu"), ("text", "back")]
"""One user's messages, in order (each answered by the fake's accepted messages, counted)."""
TICKS = os.sysconf("SC_CLK_TCK")


# -- the fake Graph API, in its own process --------------------------------------------------------

async def fake_graph_role() -> None:
    """Serve the fake; on stdin ``wait N`` answers ``ok`` once N messages were accepted in all."""
    fake = FakeGraph()
    await fake.start()
    print(fake.url, flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        if line[0] == "wait":
            await fake.wait_for(int(line[1]), timeout=600)
            print(f"ok {len(fake.sent)} {len(fake.rejected)}", flush=True)
        elif line[0] == "count":
            print(f"ok {len(fake.sent)} {len(fake.rejected)}", flush=True)
    await fake.stop()


# -- the baseline: a bare tornado webhook ------------------------------------------------------------

async def baseline_role(graph_url: str) -> None:
    import httpx
    import tornado.httpserver
    import tornado.netutil
    import tornado.web

    secret = APP_SECRET.encode()
    # The same client and limits as Marhaba's WhatsApp client (bot/channels/whatsapp/_client.py).
    client = httpx.AsyncClient(base_url=graph_url, headers={"Authorization": f"Bearer {TOKEN}"},
                               limits=httpx.Limits(max_connections=50))

    async def answer(to: str) -> None:
        await client.post(f"/{PHONE_NUMBER_ID}/messages", json={
            "messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "Hello"}})

    class Webhook(tornado.web.RequestHandler):
        async def post(self) -> None:
            expected = "sha256=" + hmac.new(secret, self.request.body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, self.request.headers.get("X-Hub-Signature-256", "")):
                self.set_status(403)
                return
            body = json.loads(self.request.body)
            # Answered before the 200 (nothing is stored, so nothing else makes a message survive a crash).
            await asyncio.gather(*(answer(message["from"]) for entry in body.get("entry", [])
                                   for change in entry.get("changes", [])
                                   for message in change.get("value", {}).get("messages", [])))
            self.finish("ok")

    server = tornado.httpserver.HTTPServer(tornado.web.Application([(r"/webhook/whatsapp", Webhook)],
                                                                   log_function=lambda h: None))
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    print(f"serving on 127.0.0.1:{sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


# -- the load ------------------------------------------------------------------------------------------

class Connection:
    """One keep-alive connection posting webhooks (a minimal client: httpx would cost more than the server)."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, raw: bytes) -> int:
        self.writer.write(f"POST /webhook/whatsapp HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                          f"Content-Type: application/json\r\nX-Hub-Signature-256: {signature(raw, APP_SECRET)}\r\n"
                          f"Content-Length: {len(raw)}\r\n\r\n".encode() + raw)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(head.split()[1])

    def close(self) -> None:
        self.writer.close()


def webhook(user: str, step: int, kind: str, value: str, run: str) -> bytes:
    message_id = f"wamid.{run}.{user}.{step}"
    body = text_webhook(user, value, message_id) if kind == "text" else reply_webhook(user, value, message_id)
    return json.dumps(body).encode()


class FakeProcess:
    def __init__(self, proc: asyncio.subprocess.Process, url: str) -> None:
        self.proc, self.url = proc, url

    async def ask(self, line: str) -> tuple[int, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()
        _, sent, rejected = (await self.proc.stdout.readline()).decode().split()
        return int(sent), int(rejected)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


async def run_phase(port: int, pid: int, fake: FakeProcess, users: list[str], replies: list[int],
                    connections: int, run: str) -> dict[str, float]:
    conns = [Connection(port) for _ in range(connections)]
    await asyncio.gather(*(c.open() for c in conns))
    sent_before, _ = await fake.ask("count")
    cpu_before, start = cpu_seconds(pid), time.perf_counter()
    expected = sent_before
    for step, (kind, value) in enumerate(SCRIPT):
        queue = [webhook(u, step, kind, value, run) for u in users]

        async def drain(conn: Connection, queue: list[bytes] = queue) -> None:
            while queue:
                status = await conn.post(queue.pop())
                assert status == 200, status

        await asyncio.gather(*(drain(c) for c in conns))
        expected += replies[step] * len(users)
        await fake.ask(f"wait {expected}")
    elapsed, cpu = time.perf_counter() - start, cpu_seconds(pid) - cpu_before
    for c in conns:
        c.close()
    messages = len(users) * len(SCRIPT)
    sent, rejected = await fake.ask("count")
    assert rejected == 0 and sent == expected, (sent, expected, rejected)
    return {"wall_ms": elapsed / messages * 1000, "cpu_ms": cpu / messages * 1000, "per_s": messages / elapsed}


async def calibrate(port: int, fake: FakeProcess) -> list[int]:
    """How many messages Marhaba sends for each step of the script (one user, each step waited out)."""
    conn = Connection(port)
    await conn.open()
    counts = []
    before, _ = await fake.ask("count")
    for step, (kind, value) in enumerate(SCRIPT):
        assert await conn.post(webhook("90999000001", step, kind, value, "calibrate")) == 200
        await fake.ask(f"wait {before + 1}")
        await asyncio.sleep(0.5)  # a calibration, not a measurement: let any further message of the turn arrive
        now, _ = await fake.ask("count")
        counts.append(now - before)
        before = now
    conn.close()
    return counts


@contextlib.contextmanager
def database(postgres: bool, folder: Path) -> Iterator[dict[str, str]]:
    if not postgres:
        yield {"MARHABA_DB": str(folder / "bench.db")}
        return
    from tests.store._postgres import postgres_server
    with postgres_server(durable=True) as server:
        yield {"MARHABA_DATABASE_URL": server.create_database(), "MARHABA_SECRET_KEY": "bench-key-" + "x" * 32}


async def main(args: argparse.Namespace) -> None:
    me = [sys.executable, str(Path(__file__).resolve())]
    fake_proc = await asyncio.create_subprocess_exec(*me, "--role", "fake-graph", stdin=asyncio.subprocess.PIPE,
                                                     stdout=asyncio.subprocess.PIPE)
    assert fake_proc.stdout is not None
    fake = FakeProcess(fake_proc, (await fake_proc.stdout.readline()).decode().strip())
    with tempfile.TemporaryDirectory() as tmp, database(args.postgres, Path(tmp)) as db_env:
        folder = Path(tmp)
        (folder / "empty.env").write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "TELEGRAM_", "MARHABA_"))}
        env.update({"MARHABA_HOST": "127.0.0.1", "MARHABA_ENV_FILE": str(folder / "empty.env"),
                    "WHATSAPP_TOKEN": TOKEN, "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
                    "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
                    "WHATSAPP_API_BASE_URL": fake.url, **db_env})
        marhaba = await start_run(["whatsapp"], env, folder)
        assert marhaba.proc.stderr is not None
        # Its log is read as it comes: a full pipe would stop the server in the middle of the load.
        drain_log = asyncio.create_task(marhaba.proc.stderr.read())
        base_proc = await asyncio.create_subprocess_exec(*me, "--role", "baseline", "--graph", fake.url,
                                                         stdout=asyncio.subprocess.PIPE)
        assert base_proc.stdout is not None
        base_port = int((await base_proc.stdout.readline()).decode().strip().rsplit(":", 1)[1])
        try:
            replies = await calibrate(marhaba.port, fake)
            phases = {"baseline": (base_port, base_proc.pid, [1] * len(SCRIPT)),
                      "marhaba": (marhaba.port, marhaba.proc.pid, replies)}
            results: dict[str, list[dict[str, float]]] = {name: [] for name in phases}
            for r in range(args.repeat + 1):  # round 0 warms both up and is not counted
                order = list(phases) if r % 2 == 0 else list(reversed(phases))
                for name in order:
                    port, pid, counts = phases[name]
                    users = [f"9{r:02d}{1 if name == 'marhaba' else 2}{u:07d}" for u in range(args.users)]
                    result = await run_phase(port, pid, fake, users, counts, args.connections, f"{name}{r}")
                    if r:
                        results[name].append(result)
                        print(f"run {r} {name}: {result['per_s']:,.0f} messages/s, "
                              f"{result['cpu_ms']:.2f} ms CPU per message", flush=True)
        finally:
            for proc in (marhaba.proc, base_proc, fake_proc):
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
            await asyncio.gather(marhaba.proc.wait(), base_proc.wait(), fake_proc.wait())
            log = (await drain_log).decode()
            if os.environ.get("BENCH_LOG"):
                Path(os.environ["BENCH_LOG"]).write_text(log)
            assert "Traceback" not in log, log[-3000:]
    med = {name: {k: statistics.median(x[k] for x in runs) for k in runs[0]} for name, runs in results.items()}
    b, m = med["baseline"], med["marhaba"]
    store = "PostgreSQL" if args.postgres else "SQLite"
    print(f"WhatsApp end to end, {args.users} users x {len(SCRIPT)} messages, {args.connections} connections, "
          f"{args.repeat} runs each, alternating (medians); Marhaba on {store}; answers per step {replies}")
    print(f"  {'':30}{'bare webhook':>14}{'Marhaba':>12}{'Marhaba / bare':>16}")
    print(f"  {'messages/s':30}{b['per_s']:14,.0f}{m['per_s']:12,.0f}")
    print(f"  {'wall time per message, ms':30}{b['wall_ms']:14.2f}{m['wall_ms']:12.2f}"
          f"{m['wall_ms'] / b['wall_ms']:15.2f}x")
    print(f"  {'server CPU per message, ms':30}{b['cpu_ms']:14.2f}{m['cpu_ms']:12.2f}"
          f"{m['cpu_ms'] / b['cpu_ms']:15.2f}x  (goal <= 2x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="Marhaba on a throwaway PostgreSQL server")
    parser.add_argument("--role", choices=["fake-graph", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--graph", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.role == "fake-graph":
        asyncio.run(fake_graph_role())
    elif cli.role == "baseline":
        asyncio.run(baseline_role(cli.graph))
    else:
        asyncio.run(main(cli))
