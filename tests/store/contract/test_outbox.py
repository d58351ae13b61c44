"""Outbox claims are leases: senders claiming at once, in one process or two, never share a row."""

from __future__ import annotations

import asyncio

from bot.features.broadcast._repository import BROADCASTS, OutboxState
from bot.store import Store
from tests.store.contract.conftest import NewStore


async def _broadcast_to(store: Store, people: int) -> int:
    outbox = store.repository(BROADCASTS)
    for i in range(people):
        user = await store.get_or_create_user("telegram", str(9000 + i))
        await outbox.subscribe(user.id, "events")
    broadcast = await outbox.create(kind="staff", topics=["events"], texts={"en": "hello"})
    assert broadcast is not None
    return broadcast


async def test_senders_in_two_processes_claiming_at_once_take_each_row_once(store: Store, new_store: NewStore) -> None:
    broadcast = await _broadcast_to(store, 60)
    async with new_store() as other:  # a second process on the same database
        outboxes = [store.repository(BROADCASTS), other.repository(BROADCASTS)]

        async def sender(index: int) -> list[int]:
            taken: list[int] = []
            while rows := await outboxes[index % 2].claim(broadcast, ["telegram"], 7, token=f"sender-{index}"):
                taken += [r.id for r in rows]
                for row in rows:
                    await outboxes[index % 2].mark(row.id, OutboxState.SENT)
            return taken

        claimed = await asyncio.gather(*(sender(i) for i in range(4)))
    every = [row for rows in claimed for row in rows]
    assert len(every) == 60 and len(set(every)) == 60, "each row claimed by exactly one sender"
    assert await store.repository(BROADCASTS).finish_if_done(broadcast)
    assert (await store.repository(BROADCASTS).counts(broadcast))["sent"] == 60
