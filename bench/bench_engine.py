"""Benchmark: many simulated users through the engine with the real SQLite store on disk.

Prints turns per second, p50/p99 latency per turn, peak memory, and the time
to load the sample content. Goal (2-core machine): >= 2,000 turns/s and
p99 < 20 ms with 1,000 concurrent users; content loading < 0.5 s.

    python bench/bench_engine.py [--users 1000] [--turns 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.content import load_content  # noqa: E402
from bot.core import Engine, Incoming  # noqa: E402
from bot.features.navigation import FEATURE as NAVIGATION  # noqa: E402
from bot.i18n import LOCALES, Catalogs  # noqa: E402
from bot.store import SQLiteStore, Store  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]


def script_for(user: int, tree, turns: int, rng: random.Random) -> list[Incoming]:
    """A plausible session: pick a language, then browse, go back, check progress."""
    uid = f"user-{user}"
    locale = rng.choice(list(LOCALES))
    events = [Incoming("bench", uid, command="start"), Incoming("bench", uid, payload=f"lang:{locale}")]
    node = tree.root
    while len(events) < turns:
        roll = rng.random()
        if roll < 0.7 and node.children:
            node = tree.nodes[rng.choice(node.children)]
            events.append(Incoming("bench", uid, payload=f"n:{node.id}"))
        elif node.step and roll < 0.8:
            events.append(Incoming("bench", uid, payload=f"step:{node.id}"))
        elif 0.8 <= roll < 0.85:
            events.append(Incoming("bench", uid, command="progress"))
        else:
            node = tree.root
            events.append(Incoming("bench", uid, payload="cmd:menu"))
    return events


async def run_once(users: int, turns: int, seed: int, rate: float = 0.0,
                   new_store: Callable[[Path], Store] | None = None) -> dict[str, float]:
    """Drive ``users`` concurrent users; ``rate`` > 0 paces them to that many turns/s in total
    (each user waits a random think time between turns), otherwise they send as fast as answered.
    ``new_store(folder)`` gives the store to run on (default: a SQLite file in ``folder``)."""
    tree = load_content(PROJECT / "content").tree
    catalogs = Catalogs(PROJECT / "locales")
    rng = random.Random(seed)
    scripts = [script_for(u, tree, turns, rng) for u in range(users)]
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with (new_store or (lambda folder: SQLiteStore(folder / "bench.db")))(Path(tmp)) as store:
            engine = Engine(tree, catalogs, store, features=(NAVIGATION,))

            user_rng = random.Random(seed + 1)

            async def user(events: list[Incoming]) -> None:
                for event in events:
                    if rate:
                        await asyncio.sleep(user_rng.expovariate(rate / users))
                    t0 = time.perf_counter()
                    await engine.handle(event)
                    latencies.append(time.perf_counter() - t0)

            start = time.perf_counter()
            await asyncio.gather(*(user(s) for s in scripts))
            elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
    }


def content_load_seconds(repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        load_content(PROJECT / "content")
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1000.0, help="offered turns/s for the latency run")
    args = parser.parse_args()
    runs = [asyncio.run(run_once(args.users, args.turns, seed)) for seed in range(args.repeat)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    paced = [asyncio.run(run_once(args.users, args.turns, seed, args.rate)) for seed in range(args.repeat)]
    lat = {k: statistics.median(r[k] for r in paced) for k in paced[0]}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = content_load_seconds(5)
    print(f"engine benchmark: {args.users} concurrent users x {args.turns} turns, {args.repeat} runs (medians)")
    print("  saturated: all users send as fast as they are answered")
    print(f"    turns/s      {med['turns_per_s']:10.0f}   (goal >= 2000)")
    print(f"    p50 / p99    {med['p50_ms']:10.2f} / {med['p99_ms']:.2f} ms (queueing: {args.users} turns in flight)")
    print(f"  paced: the same users offering {args.rate:.0f} turns/s in total, random think times")
    print(f"    turns/s      {lat['turns_per_s']:10.0f}")
    print(f"    p50 latency  {lat['p50_ms']:10.2f} ms")
    print(f"    p99 latency  {lat['p99_ms']:10.2f} ms (goal < 20 ms)")
    print(f"  peak memory    {peak_mb:10.1f} MB (max RSS of the process)")
    print(f"  content load   {load * 1000:10.1f} ms (goal < 500 ms, {sum(1 for _ in load_content(PROJECT / 'content').tree)} nodes)")


if __name__ == "__main__":
    main()
