"""A turn is run again only when its user changed under it; other store errors get the apology once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import Engine
from bot.errors import StoreUnavailable, UserChanged
from bot.store import SQLiteStore
from tests.conftest import Chat

SOMETHING_WENT_WRONG = "Sorry, something went wrong on our side"


async def start_in_english(chat: Chat) -> None:
    await chat("/start")
    await chat.payload("lang:en")


async def test_a_user_deleted_by_another_process_mid_conversation_is_answered(engine: Engine, db_path: Path) -> None:
    chat = Chat(engine)
    await start_in_english(chat)
    topic = engine.content.topics[0]
    async with SQLiteStore(db_path) as purger:  # a retention purge in another process
        user = await purger.get_user("test", "u1")
        assert user is not None
        await purger.forget(user.id)
    # The engine's store still has the user cached: the visit's write is refused, the turn runs again.
    replies = await chat.payload(f"n:{topic.id}")
    assert SOMETHING_WENT_WRONG not in chat.text
    assert replies and await engine.store.get_user("test", "u1") is not None


async def test_a_store_that_is_unavailable_is_not_asked_twice(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = Chat(engine)
    await start_in_english(chat)
    calls = []

    async def unavailable(user_id: int, node_id: str) -> None:
        calls.append(node_id)
        raise StoreUnavailable("write failed: disk I/O error")

    monkeypatch.setattr(engine.store, "record_visit", unavailable)
    await chat.payload(f"n:{engine.content.topics[0].id}")
    assert SOMETHING_WENT_WRONG in chat.text
    assert len(calls) == 1


async def test_a_write_about_a_deleted_user_is_user_changed(store: SQLiteStore) -> None:
    with pytest.raises(UserChanged):
        await store.record_visit(999_999, "health")  # no such user: the foreign key refuses it
