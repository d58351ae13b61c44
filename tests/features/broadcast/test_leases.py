"""Outbox claims are leases (a run token and an expiry), never process ids."""

from __future__ import annotations

import time

from bot.features.broadcast import BroadcastRepository, OutboxState
from bot.store import SQLiteStore
from tests.features.broadcast.conftest import add_subscribers


async def ready_broadcast(store: SQLiteStore, outbox: BroadcastRepository, n: int = 5) -> int:
    await add_subscribers(store, outbox, "telegram", [str(5000 + i) for i in range(n)], "jobs")
    broadcast_id = await outbox.create(kind="staff", topics=["jobs"], texts={"en": "hello"})
    assert broadcast_id is not None
    await outbox.populate(broadcast_id)
    return broadcast_id


async def test_a_live_lease_is_not_taken_and_an_expired_one_is(store: SQLiteStore, outbox: BroadcastRepository) -> None:
    broadcast_id = await ready_broadcast(store, outbox)
    now = time.time()
    first = await outbox.claim(broadcast_id, ["telegram"], 3, token="run-a", lease_seconds=30, now=now)
    assert len(first) == 3
    # Another sender sees only the two rows nobody holds, and waits for the lease of the others.
    second = await outbox.claim(broadcast_id, ["telegram"], 10, token="run-b", lease_seconds=30, now=now + 1)
    assert len(second) == 2 and not {r.id for r in first} & {r.id for r in second}
    assert await outbox.next_retry(broadcast_id, ["telegram"], "run-b") == now + 30
    assert await outbox.claim(broadcast_id, ["telegram"], 10, token="run-b", now=now + 29) == []
    # Sender a died: once its lease ran out, b takes its rows over.
    taken = await outbox.claim(broadcast_id, ["telegram"], 10, token="run-b", lease_seconds=30, now=now + 31)
    assert {r.id for r in taken} == {r.id for r in first}
    assert all(r.attempts == 2 for r in taken)


async def test_renewing_keeps_a_slow_senders_rows(store: SQLiteStore, outbox: BroadcastRepository) -> None:
    broadcast_id = await ready_broadcast(store, outbox, n=2)
    now = time.time()
    held = await outbox.claim(broadcast_id, ["telegram"], 10, token="run-a", lease_seconds=30, now=now)
    await outbox.renew("run-a", lease_seconds=30, now=now + 20)
    assert await outbox.claim(broadcast_id, ["telegram"], 10, token="run-b", now=now + 31) == []
    for row in held:
        await outbox.mark(row.id, OutboxState.SENT)
    assert await outbox.next_retry(broadcast_id, ["telegram"], "run-b") is None
    assert await outbox.finish_if_done(broadcast_id)


async def test_resume_releases_only_expired_claims(store: SQLiteStore, outbox: BroadcastRepository) -> None:
    broadcast_id = await ready_broadcast(store, outbox, n=4)
    now = time.time()
    await outbox.claim(broadcast_id, ["telegram"], 2, token="run-live", lease_seconds=60, now=now)
    await outbox.claim(broadcast_id, ["telegram"], 2, token="run-dead", lease_seconds=1, now=now - 10)
    assert await outbox.release_expired_claims(now=now) == 2
    assert await outbox.leased() == 2
    counts = await outbox.counts(broadcast_id)
    assert (counts["pending"], counts["sending"]) == (2, 2)


async def test_a_released_sending_right_passes_on_only_a_second_later(store: SQLiteStore) -> None:
    from bot.store import Leases
    leases = Leases(store)
    now = time.time()
    assert await leases.acquire("send:telegram", "run-a", 30, now=now)
    assert not await leases.acquire("send:telegram", "run-b", 30, now=now + 1)
    await leases.release("send:telegram", "run-a", linger=1.0, now=now + 2)
    # The platform counts per second: b must not send within a second of a's last message.
    assert not await leases.acquire("send:telegram", "run-b", 30, now=now + 2.5)
    assert await leases.acquire("send:telegram", "run-b", 30, now=now + 3.01)
    assert not await leases.acquire("send:telegram", "run-a", 30, now=now + 4)
