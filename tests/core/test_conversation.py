"""One user's turns and replies in order, and "blocked -> inactive", in the core conversation module."""

from __future__ import annotations

import asyncio

import pytest

from bot.core import (
    Blocked,
    Engine,
    Incoming,
    Isolation,
    Outgoing,
    RetryLater,
    RetryPolicy,
    retrying,
)


async def test_a_users_next_turn_waits_until_the_replies_of_the_last_are_sent(engine: Engine) -> None:
    order: list[str] = []
    first_sending, release = asyncio.Event(), asyncio.Event()

    async def slow(event: Incoming, messages: list[Outgoing]) -> None:
        order.append("send 1")
        first_sending.set()
        await release.wait()
        order.append("sent 1")

    async def fast(event: Incoming, messages: list[Outgoing]) -> None:
        order.append("send 2")

    first = asyncio.create_task(engine.handle(Incoming("test", "u", command="menu"), slow))
    await first_sending.wait()
    second = asyncio.create_task(engine.handle(Incoming("test", "u", command="help"), fast))
    other = await engine.handle(Incoming("test", "someone else", command="menu"), fast)  # not held up
    assert other and order == ["send 1", "send 2"]  # only the other user's reply went out meanwhile
    release.set()
    await asyncio.gather(first, second)
    assert order == ["send 1", "send 2", "sent 1", "send 2"]
    assert len(engine.isolation) == 0  # nothing kept per user once idle


async def test_a_blocked_reply_marks_the_user_inactive(engine: Engine) -> None:
    async def blocked(event: Incoming, messages: list[Outgoing]) -> None:
        raise Blocked("blocked")

    await engine.handle(Incoming("test", "u", command="menu"), blocked)
    user = await engine.store.get_user("test", "u")
    assert user is not None and not user.active


async def test_the_lock_is_reentrant_within_a_task_and_fair_across_tasks() -> None:
    isolation, order = Isolation(), []

    async def update(name: str) -> None:
        # The channel's update, and the engine's turn inside it, take the same lock.
        async with isolation.lock("k"), isolation.lock("k"):
            order.append(name)
            await asyncio.sleep(0)

    await asyncio.gather(*(update(str(i)) for i in range(5)))
    assert order == ["0", "1", "2", "3", "4"]


async def test_retrying_waits_out_within_the_budget_then_gives_up() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def slow_down() -> None:
        raise RetryLater(3)

    with pytest.raises(RetryLater):
        await retrying(slow_down, RetryPolicy(max_wait=7), sleep=sleep)
    assert waits == [3, 3]
