"""Benchmark: what privacy costs. The engine with ``PRAGMA secure_delete`` on and off, side by side,
and how long one /forget takes (the delete, then the WAL checkpoint that truncates it).

    python bench/bench_privacy.py [--users 500] [--turns 20] [--repeat 5] [--forgets 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_engine import run_once  # noqa: E402
from bot.features.questions import questions_of  # noqa: E402
from bot.store import SQLiteStore  # noqa: E402

ON = SQLiteStore._PRAGMAS
OFF = tuple(p.replace("secure_delete=ON", "secure_delete=OFF") for p in ON)


def engine_runs(users: int, turns: int, repeat: int) -> dict[str, list[float]]:
    """Saturated turns/s, the two settings taking turns run by run (same seeds), so load hits both alike."""
    out: dict[str, list[float]] = {"on": [], "off": []}
    for seed in range(repeat):
        for name, pragmas in (("on", ON), ("off", OFF)) if seed % 2 == 0 else (("off", OFF), ("on", ON)):
            SQLiteStore._PRAGMAS = pragmas
            out[name].append(asyncio.run(run_once(users, turns, seed))["turns_per_s"])
    SQLiteStore._PRAGMAS = ON
    return out


async def forget_ms(users: int, forgets: int) -> list[float]:
    """Milliseconds per forget of a user with visits, steps and a ticket, in a database of ``users``."""
    with tempfile.TemporaryDirectory() as tmp:
        async with SQLiteStore(Path(tmp) / "bench.db") as store:
            ids = []
            for n in range(users):
                user = await store.get_or_create_user("bench", f"user-{n}")
                await store.record_visit(user.id, "health")
                await store.set_step(user.id, "health-card", True)
                await questions_of(store).create_ticket(user.id, "en", "a question " * 20, status="open")
                ids.append(user.id)
            times = []
            for user_id in ids[:forgets]:
                t0 = time.perf_counter()
                await store.forget(user_id)
                times.append((time.perf_counter() - t0) * 1000)
            return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--forgets", type=int, default=50)
    args = parser.parse_args()
    runs = engine_runs(args.users, args.turns, args.repeat)
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    print(f"engine, saturated: {args.users} users x {args.turns} turns, {args.repeat} runs each (medians)")
    print(f"  secure_delete ON   {on:8.0f} turns/s")
    print(f"  secure_delete OFF  {off:8.0f} turns/s")
    print(f"  ON / OFF           {on / off:8.3f}")
    times = asyncio.run(forget_ms(args.users, args.forgets))
    times.sort()
    print(f"/forget incl. the WAL checkpoint (TRUNCATE), {args.forgets} of {args.users} users:")
    print(f"  p50 {statistics.median(times):.2f} ms   max {times[-1]:.2f} ms")


if __name__ == "__main__":
    main()
