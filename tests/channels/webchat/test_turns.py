"""One request a turn: the answer to the script's post carries the turn's replies; the long poll is
for what comes later (staff answers, broadcasts), and is not woken by replies its page already has."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bot.channels.webchat import COOKIE, session_user_id
from bot.channels.webchat import _channel as channel_module
from bot.channels.webchat._channel import CHANNEL, InboxSender
from bot.core import Outgoing
from tests.channels.webchat.conftest import WebChat


async def send(client: httpx.AsyncClient, tab: str, id: str, **step: str) -> list[dict[str, Any]]:
    resp = await client.post("/chat/send", json={**step, "id": id, "tab": tab})
    assert resp.status_code == 200
    messages: list[dict[str, Any]] = resp.json()["messages"]
    return messages


async def user_id(webchat: WebChat) -> int:
    user = await webchat.engine.store.get_user(CHANNEL, session_user_id(webchat.client.cookies[COOKIE]))
    assert user is not None
    return user.id


async def polls_waiting(webchat: WebChat, user: int, count: int) -> None:
    while len(webchat.channel._waiters.get(user, ())) < count:  # the polls are waiting
        await asyncio.sleep(0)


async def test_the_answer_to_a_post_carries_the_turns_replies_and_a_resend_gets_the_same(webchat: WebChat) -> None:
    got = await send(webchat.client, "tab1", "m1", payload="lang:en")
    assert got and all(m["id"] > 0 and m["locale"] == "en" for m in got)
    stored = await webchat.channel.store.after(await user_id(webchat), 0)  # type: ignore[union-attr]
    assert [m.id for m in stored] == [m["id"] for m in got], "what the answer carries is the inbox"
    again = await send(webchat.client, "tab1", "m1", payload="lang:en")  # its answer was lost: sent again
    assert again == got
    assert len(await webchat.channel.store.after(await user_id(webchat), 0)) == len(got), "not answered twice"  # type: ignore[union-attr]


async def test_the_first_post_of_a_new_session_says_the_page_has_everything_so_its_poll_can_wait_from_there(
        webchat: WebChat) -> None:
    resp = await webchat.client.post("/chat/send", json={"payload": "lang:en", "id": "m1", "tab": "tab1"})
    first = resp.json()
    assert first["after"] == first["messages"][-1]["id"], "a new session had nothing before this turn"
    # A session that existed may have had messages stored meanwhile (a broadcast): no such claim.
    await webchat.engine.senders[CHANNEL].send(session_user_id(webchat.client.cookies[COOKIE]),
                                               [Outgoing(text="News for everyone.")])
    resp = await webchat.client.post("/chat/send", json={"payload": "cmd:menu", "id": "m2", "tab": "tab1"})
    assert "after" not in resp.json() and resp.json()["messages"]
    got = (await webchat.client.get("/chat/poll", params={"after": first["after"], "tab": "tab1"})).json()
    assert got["messages"][0]["text"] == "News for everyone.", "the poll from there finds what came between"


async def test_a_pages_poll_is_not_woken_by_its_own_replies_but_another_pages_is_and_staff_answers_arrive(
        webchat: WebChat) -> None:
    first = await send(webchat.client, "tab1", "m1", payload="lang:en")
    user, last = await user_id(webchat), first[-1]["id"]
    other = webchat.new_client()  # a second page of the same session
    other.cookies.set(COOKIE, webchat.client.cookies[COOKIE])
    mine = asyncio.create_task(webchat.client.get("/chat/poll", params={"after": last, "tab": "tab1"}))
    theirs = asyncio.create_task(other.get("/chat/poll", params={"after": last, "tab": "tab2"}))
    await polls_waiting(webchat, user, 2)
    menu = await send(webchat.client, "tab1", "m2", payload="cmd:menu")
    got = (await asyncio.wait_for(theirs, 10)).json()
    assert [m["id"] for m in got["messages"]] == [m["id"] for m in menu], "the other page gets the replies"
    assert not mine.done()
    [waiter] = webchat.channel._waiters[user]
    assert waiter.answered == {m["id"] for m in menu}, "this page's poll knows its page has them"
    await webchat.engine.senders[CHANNEL].send(session_user_id(webchat.client.cookies[COOKIE]),
                                               [Outgoing(text="Answer from staff: the office opens at 9.")])
    got = (await asyncio.wait_for(mine, 10)).json()
    assert got["messages"][-1]["text"] == "Answer from staff: the office opens at 9."
    await other.aclose()


async def test_a_poll_that_ends_empty_says_up_to_where_its_page_has_everything(
        webchat: WebChat, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channel_module, "POLL_SECONDS", 1.0)
    first = await send(webchat.client, "tab1", "m1", payload="lang:en")
    user = await user_id(webchat)
    poll = asyncio.create_task(webchat.client.get("/chat/poll", params={"after": first[-1]["id"], "tab": "tab1"}))
    await polls_waiting(webchat, user, 1)
    menu = await send(webchat.client, "tab1", "m2", payload="cmd:menu")
    got = (await asyncio.wait_for(poll, 10)).json()
    assert got == {"messages": [], "session": True, "after": menu[-1]["id"]}


async def test_what_another_process_stores_reaches_a_waiting_poll(webchat: WebChat,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channel_module, "RECHECK_SECONDS", 0.05)
    first = await send(webchat.client, "tab1", "m1", payload="lang:en")
    user = await user_id(webchat)
    poll = asyncio.create_task(webchat.client.get("/chat/poll", params={"after": first[-1]["id"], "tab": "tab1"}))
    await polls_waiting(webchat, user, 1)
    # As `marhaba broadcast` does from its own process: into the inbox, waking nothing of this one.
    await InboxSender(webchat.engine.store).send(session_user_id(webchat.client.cookies[COOKIE]),
                                                 [Outgoing(text="A new event on Sunday")])
    got = (await asyncio.wait_for(poll, 10)).json()
    assert [m["text"] for m in got["messages"]] == ["A new event on Sunday"]


async def test_a_turn_is_stored_when_the_session_was_deleted_behind_the_chats_back(webchat: WebChat) -> None:
    await send(webchat.client, "tab1", "m1", payload="lang:en")
    before = await user_id(webchat)
    await webchat.engine.store.forget(before)  # as a retention purge in another process: the chat remembers its id
    got = await send(webchat.client, "tab1", "m2", payload="cmd:menu")
    after = await user_id(webchat)
    assert after != before and got
    stored = await webchat.channel.store.after(after, 0)  # type: ignore[union-attr]
    assert [m.id for m in stored] == [m["id"] for m in got]
