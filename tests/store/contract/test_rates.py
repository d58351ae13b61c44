"""The rate-cap contract: a shared token bucket taken from atomically, refilled at its rate, never past its burst."""

from __future__ import annotations

import asyncio

from bot.store import RATE_CAPS, Bucket, RateCaps, Store, bulk

T0 = 1_800_000_000.0


async def test_a_new_bucket_is_full_and_gives_at_most_what_is_asked(store: Store) -> None:
    rates = store.repository(RATE_CAPS)
    assert await rates.take("telegram", 3, 10.0, 5.0, 0.0, T0) == (3, 2.0)
    assert await rates.take("telegram", 3, 10.0, 5.0, 0.0, T0) == (2, 0.0)  # only what is left
    assert await rates.take("telegram", 3, 10.0, 5.0, 0.0, T0) == (0, 0.0)
    assert (await rates.take("whatsapp", 1, 10.0, 5.0, 0.0, T0))[0] == 1  # another key, another bucket


async def test_a_bucket_refills_at_its_rate_up_to_its_burst_and_never_backwards(store: Store) -> None:
    rates = store.repository(RATE_CAPS)
    assert (await rates.take("k", 5, 10.0, 5.0, 0.0, T0))[0] == 5
    assert (await rates.take("k", 5, 10.0, 5.0, 0.0, T0 + 0.25))[0] == 2  # 2.5 tokens refilled
    granted, left = await rates.take("k", 5, 10.0, 5.0, 0.0, T0 + 0.2)  # a process whose clock is behind
    assert granted == 0 and abs(left - 0.5) < 1e-9
    assert (await rates.take("k", 50, 10.0, 5.0, 0.0, T0 + 100))[0] == 5  # full at the burst, no more


async def test_a_reserve_is_left_in_the_bucket(store: Store) -> None:
    rates = store.repository(RATE_CAPS)
    assert (await rates.take("k", 9, 10.0, 4.0, 1.5, T0))[0] == 2  # 4 - 1.5 = 2.5 above the reserve
    assert (await rates.take("k", 9, 10.0, 4.0, 1.5, T0))[0] == 0
    assert (await rates.take("k", 9, 10.0, 4.0, 0.0, T0))[0] == 2  # a reply takes the reserve


async def test_takes_from_many_at_once_never_give_more_than_the_bucket_holds(store: Store) -> None:
    rates = store.repository(RATE_CAPS)
    taken = await asyncio.gather(*(rates.take("telegram", 2, 1.0, 10.0, 0.0, T0) for _ in range(20)))
    assert sum(granted for granted, _ in taken) == 10


async def test_rate_caps_from_two_stores_on_one_database_stay_within_the_cap(store: Store, new_store) -> None:
    """Two processes' :class:`RateCaps` on one bucket: over the first second no more than burst + rate."""
    bucket = Bucket("telegram", 30.0)
    now = [T0]
    async with new_store() as other:
        caps = [RateCaps(store, clock=lambda: now[0]), RateCaps(other, clock=lambda: now[0])]
        sent = 0

        async def send(caps: RateCaps) -> None:
            nonlocal sent
            await caps.take(bucket)
            sent += 1

        tasks = [asyncio.create_task(send(c)) for c in caps for _ in range(40)]
        for _ in range(20):  # one simulated second in steps of 50 ms
            await asyncio.sleep(0.02)  # the real time the takers need to ask (the clock is simulated)
            now[0] += 0.05
        assert sent <= bucket.burst + bucket.rate * 1.0 + bucket.batch * 2
        assert sent >= bucket.rate * 0.5  # it does send
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_reply_goes_before_bulk_sends_waiting_in_the_same_process(store: Store) -> None:
    bucket = Bucket("telegram", 30.0)
    now = [T0]
    caps = RateCaps(store, clock=lambda: now[0])
    for _ in range(int(bucket.burst)):
        await caps.take(bucket)  # the bucket is empty
    order: list[str] = []

    async def bulk_send(i: int) -> None:
        with bulk():
            await caps.take(bucket)
        order.append(f"bulk{i}")

    async def reply() -> None:
        await caps.take(bucket)
        order.append("reply")

    bulks = [asyncio.create_task(bulk_send(i)) for i in range(5)]
    await asyncio.sleep(0)
    replying = asyncio.create_task(reply())
    while "reply" not in order:
        now[0] += 0.02
        await asyncio.sleep(0.01)
    assert order[0] == "reply"
    for task in bulks:
        task.cancel()
    await asyncio.gather(*bulks, replying, return_exceptions=True)


async def test_purge_deletes_only_idle_buckets(store: Store) -> None:
    rates = store.repository(RATE_CAPS)
    await rates.take("idle", 1, 1.0, 5.0, 0.0, T0)
    await rates.take("busy", 1, 1.0, 5.0, 0.0, T0 + 100)
    assert await rates.purge(T0 + 50) == 1
    assert await rates.take("busy", 9, 1.0, 5.0, 0.0, T0 + 100) == (4, 0.0)  # kept: its tokens are still taken
    assert (await rates.take("idle", 9, 1.0, 5.0, 0.0, T0 + 100))[0] == 5  # gone: full again, as a new one
