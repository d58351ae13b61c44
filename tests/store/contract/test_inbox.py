"""The durable inbox contract: an update is kept until handled, a redelivery is refused, ids expire."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.store import Inbox
from tests.store import data

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


async def test_a_handled_update_keeps_only_a_digest_of_its_id(inbox: NewInbox) -> None:
    # A real WhatsApp message id: base64 of the sender's number (here +90 532 123 4567) and a message key.
    wamid = "wamid.HBgMOTA1MzIxMjM0NTY3FQIAEhgUM0E0QTY1OTlBRUUwMzgxMDE0NEYA"
    whatsapp = inbox("whatsapp")
    assert await whatsapp.accept(wamid, '{"text": "hello"}', now=T0, user="905321234567")
    await whatsapp.done(wamid, now=T0 + 1)
    kept = await data.rows(whatsapp.store, "inbox", "platform_id, payload, user_key")
    assert len(kept) == 1 and wamid not in str(tuple(kept[0])) and "905321234567" not in str(tuple(kept[0]))
    assert not await whatsapp.accept(wamid, '{"text": "hello"}', now=T0 + 2)  # its redelivery is still refused
    assert await whatsapp.waiting() == []


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


async def test_one_users_updates_are_claimed_one_at_a_time_in_the_order_accepted(inbox: NewInbox) -> None:
    whatsapp = inbox("whatsapp")
    assert await whatsapp.accept("m2", "second", now=T0 + 5, user="u1")  # accepted first, whatever its time
    assert await whatsapp.accept("m1", "first", now=T0, user="u1")
    assert await whatsapp.accept("x", "another user", now=T0, user="u2")
    assert await whatsapp.claim_next("u1", "run-a", 30, now=T0 + 6) == ("m2", "second")
    # The head is claimed by a live worker: nobody else takes it, nor anything behind it.
    assert await whatsapp.claim_next("u1", "run-b", 30, now=T0 + 7) is None
    assert await whatsapp.claim_next("u1", "run-a", 30, now=T0 + 7) == ("m2", "second")  # its own claim
    await whatsapp.done("m2", now=T0 + 8)
    assert await whatsapp.claim_next("u1", "run-b", 30, now=T0 + 9) == ("m1", "first")
    await whatsapp.done("m1", now=T0 + 10)
    assert await whatsapp.claim_next("u1", "run-b", 30, now=T0 + 11) is None
    assert await whatsapp.claim_next("u2", "run-b", 30, now=T0 + 11) == ("x", "another user")


async def test_a_claim_runs_out_unless_renewed_and_a_released_one_is_free_at_once(inbox: NewInbox) -> None:
    whatsapp = inbox("whatsapp")
    assert await whatsapp.accept("m1", "first", now=T0, user="u1")
    assert await whatsapp.accept("m2", "other", now=T0, user="u2")
    assert await whatsapp.claim_next("u1", "dead", 10, now=T0) == ("m1", "first")
    assert await whatsapp.claim_next("u2", "live", 10, now=T0) == ("m2", "other")
    await whatsapp.renew("live", 10, now=T0 + 8)
    # At T0 + 15 the dead worker's claim has run out; the live one's, renewed, has not.
    assert await whatsapp.orphans(60, now=T0 + 15) == ["u1"]
    assert await whatsapp.claim_next("u2", "next", 10, now=T0 + 15) is None
    assert await whatsapp.claim_next("u1", "next", 10, now=T0 + 15) == ("m1", "first")
    await whatsapp.release("live")
    assert await whatsapp.claim_next("u2", "next", 10, now=T0 + 16) == ("m2", "other")


async def test_orphans_are_users_whose_updates_nobody_took_for_a_while(inbox: NewInbox) -> None:
    whatsapp, telegram = inbox("whatsapp"), inbox("telegram")
    assert await whatsapp.accept("old", "old", now=T0, user="u1")
    assert await whatsapp.accept("new", "new", now=T0 + 9, user="u2")
    assert await whatsapp.accept("done", "done", now=T0, user="u3")
    await whatsapp.done("done", now=T0 + 1)
    assert await telegram.accept("t", "t", now=T0, user="u4")
    assert await whatsapp.orphans(5, now=T0 + 10) == ["u1"]  # u2's is fresh: its worker is at it
    assert await whatsapp.orphans(0.5, now=T0 + 10) == ["u1", "u2"]
