"""The users/progress :class:`~bot.store.Store` contract, run against every backend."""

from __future__ import annotations

import pytest

from bot.errors import StoreError
from bot.store import RepositoryKey, Store


async def test_first_contact_creates_a_new_active_user_and_the_next_finds_them(store: Store) -> None:
    first = await store.get_or_create_user("telegram", "1001")
    again = await store.get_or_create_user("telegram", "1001")
    assert first.is_new and not again.is_new
    assert again.id == first.id and again.active
    assert (first.channel, first.channel_user_id, first.locale, first.current_node) == ("telegram", "1001", None, None)
    other = await store.get_or_create_user("whatsapp", "1001")
    assert other.id != first.id, "a person on two channels is two users"
    assert await store.get_user("telegram", "404") is None


async def test_locale_pending_and_visits_are_kept(store: Store) -> None:
    user = await store.get_or_create_user("telegram", "1")
    await store.set_locale(user.id, "ar")
    await store.set_pending(user.id, "forget")
    assert (await store.get_user("telegram", "1")).pending == "forget"  # type: ignore[union-attr]
    await store.record_visit(user.id, "health")
    await store.record_visit(user.id, "health-card")
    got = await store.get_user("telegram", "1")
    assert got is not None
    assert (got.locale, got.current_node, got.pending) == ("ar", "health-card", None), "a visit clears pending"
    assert await store.visited(user.id) == {"health", "health-card"}


async def test_steps_are_marked_and_unmarked(store: Store) -> None:
    user = await store.get_or_create_user("telegram", "1")
    await store.set_step(user.id, "register", True)
    await store.set_step(user.id, "register", True)
    await store.set_step(user.id, "bank", True)
    await store.set_step(user.id, "bank", False)
    assert await store.steps_done(user.id) == {"register"}


async def test_an_inactive_user_who_writes_again_is_active(store: Store) -> None:
    user = await store.get_or_create_user("whatsapp", "4915")
    await store.set_active("whatsapp", "4915", False)
    assert (await store.get_user("whatsapp", "4915")).active is False  # type: ignore[union-attr]
    assert (await store.get_or_create_user("whatsapp", "4915")).active
    assert (await store.get_user("whatsapp", "4915")).active is True  # type: ignore[union-attr]
    assert user.id == (await store.get_user("whatsapp", "4915")).id  # type: ignore[union-attr]


async def test_an_unknown_repository_is_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.repository(RepositoryKey[object]("no-such-repository"))
