"""The users/progress store contract: what every backend must do, SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import StoreError
from bot.store import RepositoryKey, Store
from tests.store.contract.conftest import NewStore, RowsAbout


async def test_first_contact_creates_the_user_and_later_contacts_find_them(store: Store) -> None:
    assert await store.get_user("telegram", "42") is None  # reading never creates
    first = await store.get_or_create_user("telegram", "42")
    assert first.is_new and first.active
    assert (first.channel, first.channel_user_id, first.locale, first.current_node, first.pending) == \
        ("telegram", "42", None, None, None)
    again = await store.get_or_create_user("telegram", "42")
    assert not again.is_new
    assert again.id == first.id and again.created_at == first.created_at
    assert again.last_seen >= first.last_seen
    found = await store.get_user("telegram", "42")
    assert found is not None and found.id == first.id and not found.is_new


async def test_same_id_on_two_channels_is_two_users(store: Store) -> None:
    a = await store.get_or_create_user("telegram", "7")
    b = await store.get_or_create_user("whatsapp", "7")
    assert a.id != b.id


async def test_progress_survives_reopening(new_store: NewStore) -> None:
    async with new_store() as store:
        user = await store.get_or_create_user("telegram", "42")
        await store.set_locale(user.id, "ar")
        await store.set_pending(user.id, "forget")
        await store.set_step(user.id, "health-card", True)
        await store.record_visit(user.id, "health")
    async with new_store() as store:
        again = await store.get_or_create_user("telegram", "42")
        assert not again.is_new and again.id == user.id
        assert (again.locale, again.current_node) == ("ar", "health")
        assert again.pending is None  # opening a page answers whatever the bot was waiting on
        assert await store.steps_done(user.id) == {"health-card"}
        assert await store.visited(user.id) == {"health"}


async def test_pending_is_set_and_cleared(store: Store) -> None:
    user = await store.get_or_create_user("whatsapp", "4915")
    await store.set_pending(user.id, "forget")
    assert (await store.get_or_create_user("whatsapp", "4915")).pending == "forget"
    await store.set_pending(user.id, None)
    assert (await store.get_or_create_user("whatsapp", "4915")).pending is None


async def test_visits_and_steps_are_sets_and_steps_can_be_undone(store: Store) -> None:
    user = await store.get_or_create_user("telegram", "1")
    for node in ("health", "housing", "health"):
        await store.record_visit(user.id, node)
    assert await store.visited(user.id) == {"health", "housing"}
    assert (await store.get_or_create_user("telegram", "1")).current_node == "health"
    await store.set_step(user.id, "a", True)
    await store.set_step(user.id, "a", True)  # twice is once
    await store.set_step(user.id, "b", True)
    await store.set_step(user.id, "a", False)
    await store.set_step(user.id, "never-done", False)
    assert await store.steps_done(user.id) == {"b"}
    other = await store.get_or_create_user("telegram", "2")
    assert await store.steps_done(other.id) == set() and await store.visited(other.id) == set()


async def test_blocked_user_is_inactive_until_they_write_or_browse_again(store: Store) -> None:
    user = await store.get_or_create_user("telegram", "9")
    await store.set_active("telegram", "9", False)
    blocked = await store.get_user("telegram", "9")
    assert blocked is not None and not blocked.active
    assert (await store.get_or_create_user("telegram", "9")).active
    await store.set_active("telegram", "9", False)
    await store.record_visit(user.id, "health")
    browsing = await store.get_user("telegram", "9")
    assert browsing is not None and browsing.active
    await store.set_active("telegram", "nobody", False)  # an unknown user: nothing to do, no error
    assert await store.get_user("telegram", "nobody") is None


async def test_forget_deletes_every_row_about_the_user_and_only_theirs(store: Store, rows_about: RowsAbout) -> None:
    gone = await store.get_or_create_user("telegram", "1")
    kept = await store.get_or_create_user("telegram", "2")
    for user in (gone, kept):
        await store.set_locale(user.id, "fa")
        await store.record_visit(user.id, "health")
        await store.set_step(user.id, "health-card", True)
    tables = await store.user_tables()
    assert tables[0] == "users" and {"visits", "steps_done"} <= set(tables)
    core = {"users": 1, "visits": 1, "steps_done": 1}
    assert (await rows_about(store, gone.id)).items() >= core.items()
    await store.forget(gone.id)
    assert await rows_about(store, gone.id) == dict.fromkeys(tables, 0)
    assert (await rows_about(store, kept.id)).items() >= core.items()
    assert await store.get_user("telegram", "1") is None
    assert await store.visited(gone.id) == set() and await store.steps_done(gone.id) == set()
    kept_again = await store.get_user("telegram", "2")
    assert kept_again is not None and kept_again.locale == "fa"


async def test_someone_who_writes_after_forget_starts_afresh_with_a_new_id(store: Store) -> None:
    old = await store.get_or_create_user("telegram", "5")
    await store.set_locale(old.id, "uk")
    await store.forget(old.id)
    new = await store.get_or_create_user("telegram", "5")
    assert new.is_new and new.locale is None
    assert new.id > old.id  # an old id, still held somewhere, can never reach the new person's rows


async def test_progress_written_for_a_forgotten_user_is_refused_and_reaches_no_one(
        store: Store, rows_about: RowsAbout) -> None:
    old = await store.get_or_create_user("telegram", "5")
    await store.forget(old.id)
    with pytest.raises(StoreError):
        await store.record_visit(old.id, "health")
    with pytest.raises(StoreError):
        await store.set_step(old.id, "health-card", True)
    await store.set_locale(old.id, "ar")  # an update of no row: nothing happens
    other = await store.get_or_create_user("telegram", "6")
    assert set((await rows_about(store, old.id)).values()) == {0}
    assert await store.visited(other.id) == set() and (await store.get_user("telegram", "6")).locale is None


async def test_quotes_and_sql_in_ids_are_just_data(store: Store) -> None:
    sneaky = "1'); DROP TABLE users; --"
    user = await store.get_or_create_user("telegram", sneaky)
    await store.record_visit(user.id, "x' OR '1'='1")
    assert (await store.get_user("telegram", sneaky)).id == user.id
    assert await store.visited(user.id) == {"x' OR '1'='1"}
    assert await store.get_user("telegram", "1") is None


async def test_many_turns_at_once_are_all_kept(store: Store) -> None:
    async def turn(i: int) -> int:
        user = await store.get_or_create_user("whatsapp", str(i))
        await store.record_visit(user.id, f"page-{i % 7}")
        await store.set_step(user.id, f"step-{i}", True)
        return user.id

    ids = await asyncio.gather(*(turn(i) for i in range(150)))
    assert len(set(ids)) == 150
    for i in (0, 77, 149):
        assert await store.steps_done(ids[i]) == {f"step-{i}"}
        assert await store.visited(ids[i]) == {f"page-{i % 7}"}


async def test_one_new_user_writing_many_times_at_once_is_created_once(store: Store) -> None:
    users = await asyncio.gather(*(store.get_or_create_user("telegram", "twin") for _ in range(20)))
    assert len({u.id for u in users}) == 1
    assert sum(u.is_new for u in users) == 1


async def test_a_closed_store_refuses_reads_and_writes_with_a_store_error(new_store: NewStore) -> None:
    store = new_store()
    await store.open()
    user = await store.get_or_create_user("telegram", "1")
    await store.close()
    with pytest.raises(StoreError):
        await store.set_locale(user.id, "ar")
    with pytest.raises(StoreError):
        await store.get_user("telegram", "1")
    with pytest.raises(StoreError):
        await store.get_or_create_user("telegram", "2")


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


async def test_an_unknown_repository_is_refused(store: Store) -> None:
    with pytest.raises(StoreError):
        store.repository(RepositoryKey[object]("no-such-repository"))
