"""The leases contract: one holder at a time, renewal by the holder, take-over once a lease ran out."""

from __future__ import annotations

import asyncio

from bot.store import Leases

T0 = 1_800_000_000.0


async def test_a_free_lease_is_taken_and_refused_to_others_while_it_runs(leases: Leases) -> None:
    assert await leases.acquire("poll:telegram", "worker-a", 30, now=T0)
    assert not await leases.acquire("poll:telegram", "worker-b", 30, now=T0 + 29)
    assert await leases.acquire("other", "worker-b", 30, now=T0 + 1)  # another name is another lease


async def test_the_holder_renews_and_another_takes_over_only_once_it_ran_out(leases: Leases) -> None:
    assert await leases.acquire("jobs", "a", 30, now=T0)
    assert await leases.acquire("jobs", "a", 30, now=T0 + 25)  # renewed: now runs to T0 + 55
    assert not await leases.acquire("jobs", "b", 30, now=T0 + 40)
    assert await leases.acquire("jobs", "b", 30, now=T0 + 56)  # a stopped renewing (killed)
    assert not await leases.acquire("jobs", "a", 30, now=T0 + 57)  # and it is b's now


async def test_release_frees_the_lease_after_its_linger_and_only_by_the_holder(leases: Leases) -> None:
    assert await leases.acquire("send:telegram", "a", 60, now=T0)
    await leases.release("send:telegram", "b", now=T0 + 1)  # not b's to release
    assert not await leases.acquire("send:telegram", "b", 60, now=T0 + 2)
    await leases.release("send:telegram", "a", linger=5, now=T0 + 2)
    assert not await leases.acquire("send:telegram", "b", 60, now=T0 + 6)
    assert await leases.acquire("send:telegram", "b", 60, now=T0 + 8)


async def test_of_many_asking_at_once_for_a_free_lease_exactly_one_gets_it(leases: Leases) -> None:
    won = await asyncio.gather(*(leases.acquire("reminders", f"worker-{i}", 30, now=T0) for i in range(20)))
    assert sum(won) == 1
