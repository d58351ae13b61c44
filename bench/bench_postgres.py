"""Benchmark: the engine on SQLite (one process) vs PostgreSQL with 1 and 2 worker processes, in one run.

The same simulated users as bench_engine.py (sessions of language choice, browsing, checklist
steps, /progress) through ``Engine.handle``, each configuration in real worker subprocesses of its
own: SQLite on a file (WAL, group commit) in one process; PostgreSQL on a throwaway local server
with its durable defaults (fsync on, synchronous_commit on), a new database per run, served by one
worker process, then by two (each its own Engine and PostgresStore on the same database, the users
split between them). Turns/s are those of the whole (all turns over the time from the first
worker's start to the last one's end); p50/p99 over every turn of every worker. The three
configurations alternate; medians of ``--repeat`` runs. Goals of #19: PostgreSQL with one worker
>= 40% of SQLite's turns/s, with p99 < 30 ms paced; two workers >= 1.3x one worker.

    python bench/bench_postgres.py [--users 1000] [--turns 20] [--repeat 3] [--rate 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_engine import PROJECT, script_for  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.core import Engine, Incoming  # noqa: E402
from bot.features.navigation import FEATURE as NAVIGATION  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.store import SQLiteStore, Store  # noqa: E402
from bot.store.postgres import PostgresStore  # noqa: E402
from tests.store._postgres import postgres_server  # noqa: E402

CONFIGS = (("sqlite", 1), ("postgres", 1), ("postgres", 2))


async def serve(job: dict[str, object]) -> dict[str, object]:
    """One worker: its share of the users (every ``workers``-th from ``index``) through its own engine and
    store; prints ``ready`` once open and starts on a line on stdin, so all workers start together."""
    users, turns, seed, rate = int(job["users"]), int(job["turns"]), int(job["seed"]), float(job["rate"])
    index, workers = int(job["index"]), int(job["workers"])
    tree = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    rng = random.Random(seed)
    scripts = [script_for(u, tree, turns, rng) for u in range(users)][index::workers]
    store: Store = (SQLiteStore(Path(str(job["sqlite"]))) if "sqlite" in job
                    else PostgresStore(str(job["postgres"]), max_connections=int(job["pool"])))
    latencies: list[float] = []
    async with store:
        engine = Engine(tree, catalogs, store, features=(NAVIGATION,))
        user_rng = random.Random(seed + 1 + index)

        async def user(events: list[Incoming]) -> None:
            for event in events:
                if rate:  # the same think time per user whatever the number of workers
                    await asyncio.sleep(user_rng.expovariate(rate / users))
                t0 = time.perf_counter()
                await engine.handle(event)
                latencies.append(time.perf_counter() - t0)

        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        start = time.time()
        await asyncio.gather(*(user(s) for s in scripts))
        end = time.time()
    return {"start": start, "end": end, "latencies": latencies}


def run(config: tuple[str, int], job: dict[str, object], database: str) -> dict[str, float]:
    """One run of ``config`` (backend, worker processes): turns/s of the whole, p50/p99 of every turn."""
    backend, workers = config
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(workers)]
    try:
        for index, proc in enumerate(procs):
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({**job, "index": index, "workers": workers, backend: database}) + "\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise SystemExit(f"a {backend} worker did not start")
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [json.loads(proc.communicate()[0].splitlines()[-1]) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    latencies = sorted(t for r in results for t in r["latencies"])
    elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
    return {"turns_per_s": len(latencies) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000}


def worker() -> None:
    job = json.loads(sys.stdin.readline())
    print(json.dumps(asyncio.run(serve(job))), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1000.0, help="offered turns/s for the latency runs")
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL connections in each worker's pool")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    results: dict[tuple[str, int, bool], list[dict[str, float]]] = {
        (backend, workers, paced): [] for backend, workers in CONFIGS for paced in (False, True)}
    load = os.getloadavg()[0]
    with postgres_server(durable=True) as server, tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.repeat):
            for paced in (False, True):
                for config in CONFIGS if seed % 2 == 0 else reversed(CONFIGS):
                    job = {"users": args.users, "turns": args.turns, "seed": seed,
                           "rate": args.rate if paced else 0.0, "pool": args.pool}
                    database = (str(Path(tmp) / f"bench-{seed}-{paced}.db") if config[0] == "sqlite"
                                else server.create_database())
                    results[(*config, paced)].append(run(config, job, database))
    load = max(load, os.getloadavg()[0])
    med = {key: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for key, runs in results.items()}
    print(f"engine on SQLite vs PostgreSQL: {args.users} concurrent users x {args.turns} turns, {args.repeat} runs "
          f"each, alternating (medians); PostgreSQL pool of {args.pool} per worker; load average up to {load:.1f}")
    s, p1, p2 = (med[(*config, False)] for config in CONFIGS)
    print(f"  {'':28}{'SQLite':>12}{'PG 1 worker':>14}{'PG 2 workers':>14}")
    print(f"  {'saturated turns/s':28}{s['turns_per_s']:12.0f}{p1['turns_per_s']:14.0f}{p2['turns_per_s']:14.0f}")
    for what in ("p50_ms", "p99_ms"):
        sp, pp1, pp2 = (med[(*config, True)][what] for config in CONFIGS)
        label = f"paced {args.rate:.0f}/s: {what[:3]} ms"
        print(f"  {label:28}{sp:12.2f}{pp1:14.2f}{pp2:14.2f}")
    print(f"  PG 1 worker / SQLite: {p1['turns_per_s'] / s['turns_per_s']:.0%} (goal >= 40%, p99 < 30 ms paced); "
          f"PG 2 workers / 1 worker: {p2['turns_per_s'] / p1['turns_per_s']:.2f}x (goal >= 1.3x)")


if __name__ == "__main__":
    main()
