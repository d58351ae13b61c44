"""The leases contract: one holder at a time, renewal by the holder, take-over once a lease ran out."""

from __future__ import annotations

import asyncio
import time

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


class Work:
    """A job for :meth:`Leases.run_while_held` that says when it runs and when it was stopped."""

    def __init__(self) -> None:
        self.running = asyncio.Event()
        self.stopped = asyncio.Event()

    async def __call__(self) -> None:
        self.running.set()
        try:
            await asyncio.Event().wait()
        finally:
            self.stopped.set()


async def test_run_while_held_runs_the_work_in_one_holder_and_the_next_takes_over_when_it_stops(
        leases: Leases) -> None:
    first, second = Work(), Work()
    waiting = asyncio.Event()
    a = asyncio.create_task(leases.run_while_held("job:reminders", first, 1.5))
    await asyncio.wait_for(first.running.wait(), 10)
    b = asyncio.create_task(leases.run_while_held("job:reminders", second, 1.5, waiting))
    await asyncio.wait_for(waiting.wait(), 10)  # b found a's lease running, and waits
    assert not second.running.is_set()
    a.cancel()  # a stops: its work is stopped and its lease given up
    await asyncio.gather(a, return_exceptions=True)
    assert first.stopped.is_set()
    await asyncio.wait_for(second.running.wait(), 10)
    b.cancel()
    await asyncio.gather(b, return_exceptions=True)


async def test_run_while_held_takes_over_a_dead_holders_lease_once_it_ran_out(leases: Leases) -> None:
    assert await leases.acquire("job:retention", "killed-worker", 1.0)  # never renewed again
    work, waiting = Work(), asyncio.Event()
    task = asyncio.create_task(leases.run_while_held("job:retention", work, 1.5, waiting))
    await asyncio.wait_for(waiting.wait(), 10)
    await asyncio.wait_for(work.running.wait(), 10)
    assert not await leases.acquire("job:retention", "killed-worker", 1.0)  # it is ours now
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_holder_that_finds_its_lease_lost_stops_its_work_and_waits_its_turn(leases: Leases) -> None:
    work = Work()
    task = asyncio.create_task(leases.run_while_held("poll:telegram", work, 1.5))
    await asyncio.wait_for(work.running.wait(), 10)
    # As if this holder had not renewed in time (a stalled machine) and another process took over:
    assert await leases.acquire("poll:telegram", "other-worker", 60, now=time.time() + 100)
    await asyncio.wait_for(work.stopped.wait(), 10)
    assert not task.done()  # still waiting for its turn
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
