"""The durable inbox contract: an update is kept until handled, a redelivery is refused, ids expire."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.store import Inbox

T0 = 1_800_000_000.0

NewInbox = Callable[[str], Inbox]


async def test_an_update_is_accepted_once_and_waits_until_it_is_done(inbox: NewInbox) -> None:
    telegram = inbox("telegram")
    assert await telegram.accept("1001", '{"update_id": 1001}', now=T0)
    assert not await telegram.accept("1001", '{"update_id": 1001}', now=T0 + 1)  # a redelivery
    assert await telegram.accept("1002", '{"update_id": 1002}', now=T0 + 2)
    assert await telegram.waiting() == [("1001", '{"update_id": 1001}'), ("1002", '{"update_id": 1002}')]
    await telegram.done("1001", now=T0 + 3)
    assert await telegram.waiting() == [("1002", '{"update_id": 1002}')]
    assert not await telegram.accept("1001", '{"update_id": 1001}', now=T0 + 4)  # handled: still refused


async def test_waiting_updates_come_back_oldest_first_and_per_channel(inbox: NewInbox) -> None:
    telegram, whatsapp = inbox("telegram"), inbox("whatsapp")
    assert await telegram.accept("b", "second", now=T0 + 2)
    assert await telegram.accept("a", "first", now=T0 + 1)
    assert await whatsapp.accept("a", "the same id on another channel", now=T0)
    assert await telegram.waiting() == [("a", "first"), ("b", "second")]
    assert await whatsapp.waiting() == [("a", "the same id on another channel")]


async def test_the_purge_deletes_only_ids_handled_before_the_limit(
        inbox: NewInbox, purge: Callable[[float, float], Awaitable[int]]) -> None:
    telegram = inbox("telegram")
    for update in ("old", "recent", "unhandled"):
        assert await telegram.accept(update, update, now=T0)
    await telegram.done("old", now=T0 + 10)
    await telegram.done("recent", now=T0 + 100)
    assert await purge(50, T0 + 120) == 1
    assert await telegram.accept("old", "old", now=T0 + 121)  # its id is gone: a new update now
    assert not await telegram.accept("recent", "recent", now=T0 + 121)
    assert ("unhandled", "unhandled") in await telegram.waiting()  # never purged before it is handled
