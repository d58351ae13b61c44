"""Flood control across workers: on PostgreSQL a person writing to two workers takes from one bucket."""

from __future__ import annotations

from pathlib import Path

from bot.core import FloodControl, FloodLimits, Verdict
from bot.store import shared_buckets
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore

LIMITS = FloodLimits(rate_per_minute=1, burst=4, cooldown_seconds=60)
PERSON = ("whatsapp", "4915112345678")


async def test_a_person_writing_to_two_workers_on_postgres_takes_from_one_bucket(postgres_url: str) -> None:
    async with PostgresStore(postgres_url) as a, PostgresStore(postgres_url) as b:
        workers = [FloodControl(LIMITS, shared=shared_buckets(a)), FloodControl(LIMITS, shared=shared_buckets(b))]
        verdicts = [await workers[i % 2].verdict(PERSON) for i in range(LIMITS.burst)]
        assert verdicts == [Verdict.ALLOW] * LIMITS.burst  # two each: the burst, shared
        assert await workers[0].verdict(PERSON) is Verdict.NOTICE
        assert await workers[1].verdict(PERSON) is Verdict.NOTICE  # empty for the other worker too
        assert await workers[1].verdict(PERSON) is Verdict.DROP
        assert await workers[0].verdict(("whatsapp", "someone else")) is Verdict.ALLOW
        keys = [r["key"] for r in await a.fetch("SELECT key FROM rate_buckets")]
        assert keys and not any(PERSON[1] in k for k in keys)  # named by pseudonym, never the number


async def test_on_sqlite_one_process_counts_in_memory(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "f.db") as store:
        assert store.single_process  # so the application gives its flood control no shared buckets
        flood = FloodControl(LIMITS)
        assert [await flood.verdict(PERSON) for _ in range(LIMITS.burst + 1)][-1] is Verdict.NOTICE
