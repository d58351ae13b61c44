"""Benchmark: the engine on the PostgreSQL store vs the SQLite store, one process each, in one run.

The same simulated users as bench_engine.py (sessions of language choice, browsing, checklist
steps, /progress) through ``Engine.handle``; SQLite on a file (WAL, group commit), PostgreSQL on
a throwaway local server with its durable defaults (fsync on, synchronous_commit on), a new
database per run. Runs alternate between the two stores. Goal of #19: PostgreSQL with one worker
>= 40% of SQLite's turns/s, with p99 < 30 ms paced.

    python bench/bench_postgres.py [--users 1000] [--turns 20] [--repeat 3] [--rate 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_engine import run_once  # noqa: E402
from bot.store.postgres import PostgresStore  # noqa: E402
from tests.store._postgres import postgres_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1000.0, help="offered turns/s for the latency runs")
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL connections in the pool")
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in
                                                  ("sqlite", "postgres", "sqlite paced", "postgres paced")}
    with postgres_server(durable=True) as server:
        def postgres(_folder: Path) -> PostgresStore:
            return PostgresStore(server.create_database(), max_connections=args.pool)

        for seed in range(args.repeat):
            for rate, suffix in ((0.0, ""), (args.rate, " paced")):
                order = [("sqlite", None), ("postgres", postgres)]
                for name, factory in order if seed % 2 == 0 else reversed(order):
                    results[name + suffix].append(asyncio.run(
                        run_once(args.users, args.turns, seed, rate, factory)))
    med = {name: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for name, runs in results.items()}
    print(f"engine on PostgreSQL vs SQLite: {args.users} concurrent users x {args.turns} turns, "
          f"{args.repeat} runs each, alternating (medians); PostgreSQL pool of {args.pool}")
    print(f"  {'':28}{'SQLite':>12}{'PostgreSQL':>14}{'PG / SQLite':>14}")
    s, p = med["sqlite"], med["postgres"]
    print(f"  {'saturated turns/s':28}{s['turns_per_s']:12.0f}{p['turns_per_s']:14.0f}"
          f"{p['turns_per_s'] / s['turns_per_s']:13.0%}  (goal >= 40%)")
    sp, pp = med["sqlite paced"], med["postgres paced"]
    print(f"  {f'paced {args.rate:.0f}/s: p50 ms':28}{sp['p50_ms']:12.2f}{pp['p50_ms']:14.2f}")
    print(f"  {f'paced {args.rate:.0f}/s: p99 ms':28}{sp['p99_ms']:12.2f}{pp['p99_ms']:14.2f}   (goal < 30 ms)")


if __name__ == "__main__":
    main()
