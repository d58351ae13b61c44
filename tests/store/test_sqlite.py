"""The SQLite store: migrations, durability, and /forget removing every row."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import StoreUnavailable, UserChanged
from bot.store import SQLiteStore, migrations
from tests.conftest import make_engine


async def test_migrations_are_recorded_and_applied_once(db_path: Path) -> None:
    async with SQLiteStore(db_path):
        pass
    async with SQLiteStore(db_path) as store:  # a second open applies nothing again
        rows = await store.db.execute_fetchall("SELECT version FROM schema_migrations ORDER BY version")
        versions = [r[0] for r in rows]
    assert versions == [v for v, _, _ in migrations()]
    assert versions[0] == 1


async def test_database_uses_wal(store: SQLiteStore) -> None:
    async with store.db.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"


async def test_user_progress_survives_reopening(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        user = await store.get_or_create_user("telegram", "42")
        assert user.is_new
        await store.set_locale(user.id, "ar")
        await store.record_visit(user.id, "health")
        await store.set_step(user.id, "health-card", True)
    with sqlite3.connect(db_path) as raw:  # what is on disk, read without the store
        assert raw.execute("SELECT locale, current_node FROM users").fetchone() == ("ar", "health")
    async with SQLiteStore(db_path) as store:
        again = await store.get_or_create_user("telegram", "42")
        assert not again.is_new and again.id == user.id
        assert await store.steps_done(user.id) == {"health-card"}
        assert await store.visited(user.id) == {"health"}


async def test_same_id_on_two_channels_is_two_users(store: SQLiteStore) -> None:
    a = await store.get_or_create_user("telegram", "7")
    b = await store.get_or_create_user("whatsapp", "7")
    assert a.id != b.id


async def test_forget_deletes_every_row_about_the_user_only(store: SQLiteStore) -> None:
    gone = await store.get_or_create_user("telegram", "1")
    kept = await store.get_or_create_user("telegram", "2")
    for user in (gone, kept):
        await store.record_visit(user.id, "health")
        await store.set_step(user.id, "health-card", True)
    await store.forget(gone.id)
    tables = await store.user_tables()
    assert {"users", "visits", "steps_done"} <= set(tables)
    for table in tables:
        column = "id" if table == "users" else "user_id"
        async with store.db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (gone.id,)) as cur:
            assert (await cur.fetchone())[0] == 0
        if table in ("users", "visits", "steps_done"):
            async with store.db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (kept.id,)) as cur:
                assert (await cur.fetchone())[0] == 1


async def test_blocked_user_is_inactive_until_they_write_again(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "9")
    await store.set_active("telegram", "9", False)
    assert not (await store.get_user("telegram", "9")).active
    assert (await store.get_or_create_user("telegram", "9")).active
    assert user.active


def last_seen_on_disk(db_path: Path) -> float:
    with sqlite3.connect(db_path) as raw:
        return raw.execute("SELECT last_seen FROM users").fetchone()[0]


async def test_last_seen_is_written_at_most_once_a_minute(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        user = await store.get_or_create_user("telegram", "5")
        first = last_seen_on_disk(db_path)
        await store.get_or_create_user("telegram", "5")
        await store.set_locale(user.id, "ar")  # a write that would carry a touch along
        assert last_seen_on_disk(db_path) == first, "a second turn within a minute adds no write"
        store.TOUCH_SECONDS = 0.0
        await store.get_or_create_user("telegram", "5")
        await store.set_locale(user.id, "fa")
        assert last_seen_on_disk(db_path) > first


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_cached_user_is_read_again_even_while_they_keep_writing(db_path: Path) -> None:
    clock = Clock()
    async with SQLiteStore(db_path, clock=clock) as store:
        await store.get_or_create_user("telegram", "6")
        with sqlite3.connect(db_path) as other:  # another process changes the row
            other.execute("UPDATE users SET locale = 'so'")
        seen = []
        for _ in range(8):  # a turn every 10 s: the cache (30 s after the read) must still expire
            seen.append((await store.get_or_create_user("telegram", "6")).locale)
            clock.now += 10
        assert seen[:3] == [None, None, None] and seen[3:] == ["so"] * 5


async def test_known_steps_and_visits_follow_writes_and_are_read_again_with_the_user(db_path: Path) -> None:
    clock = Clock()
    async with SQLiteStore(db_path, clock=clock) as store:
        user = await store.get_or_create_user("telegram", "8")
        assert await store.steps_done(user.id) == set() and await store.visited(user.id) == set()
        await store.set_step(user.id, "a", True)
        await store.record_visit(user.id, "x")
        done = await store.steps_done(user.id)
        assert done == {"a"} and await store.visited(user.id) == {"x"}
        done.add("not-done")  # a caller's copy: changing it changes nothing stored
        await store.set_step(user.id, "a", False)
        assert await store.steps_done(user.id) == set()
        with sqlite3.connect(db_path) as other:  # another process (an import, a restore) adds a step
            other.execute("INSERT INTO steps_done (user_id, node_id, done_at) VALUES (?, 'b', 0)", (user.id,))
        await store.get_or_create_user("telegram", "8")  # still cached: the other process's step is unseen
        assert await store.steps_done(user.id) == set()
        clock.now += store.USER_CACHE_SECONDS
        await store.get_or_create_user("telegram", "8")  # the next turn reads the user again
        assert await store.steps_done(user.id) == {"b"}


async def test_a_write_after_close_is_a_store_error(db_path: Path) -> None:
    store = SQLiteStore(db_path)
    await store.open()
    user = await store.get_or_create_user("telegram", "1")
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.record_visit(user.id, "health")


async def test_a_user_marked_inactive_by_another_process_is_active_again_when_they_browse(db_path: Path) -> None:
    async with SQLiteStore(db_path) as bot, SQLiteStore(db_path) as broadcast:
        user = await bot.get_or_create_user("telegram", "12")  # cached by the bot's process
        await broadcast.set_active("telegram", "12", False)  # a broadcast met an old block
        await bot.get_or_create_user("telegram", "12")  # they unblocked and write again
        await bot.record_visit(user.id, "health")
        assert (await broadcast.get_user("telegram", "12")).active


async def test_what_is_kept_per_user_is_bounded_by_the_user_cache(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        store.USER_CACHE_SIZE = 10
        for i in range(100):
            user = await store.get_or_create_user("telegram", str(i))
            await store.set_step(user.id, "health-card", True)
            if i % 2:
                await store.set_active("telegram", str(i), False)  # the user blocked the bot
        assert len(store._known) <= 2 * store.USER_CACHE_SIZE
        assert len(store._user_keys) <= store.USER_CACHE_SIZE


async def test_sql_injection_in_ids_is_just_data(store: SQLiteStore) -> None:
    evil = "1'; DROP TABLE users; --"
    user = await store.get_or_create_user("telegram", evil)
    await store.record_visit(user.id, evil)
    assert (await store.get_user("telegram", evil)).current_node == evil


async def test_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreUnavailable, match="cannot open the database"):
        async with SQLiteStore(bad):
            pass


async def test_concurrent_writes_are_group_committed_and_all_kept(db_path: Path) -> None:
    import asyncio

    async with SQLiteStore(db_path) as store:
        users = [await store.get_or_create_user("t", str(i)) for i in range(200)]
        await asyncio.gather(*(store.record_visit(u.id, f"node-{u.id}") for u in users))
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == 200
        assert raw.execute("SELECT COUNT(*) FROM users WHERE current_node = 'node-' || id").fetchone()[0] == 200


async def test_one_failing_write_does_not_fail_the_others(store: SQLiteStore) -> None:
    import asyncio

    user = await store.get_or_create_user("t", "1")
    results = await asyncio.gather(
        store.record_visit(user.id, "health"),
        store.record_visit(999_999, "health"),  # no such user: the foreign key refuses it
        store.set_step(user.id, "health-card", True),
        return_exceptions=True,
    )
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], UserChanged)
    assert await store.visited(user.id) == {"health"}
    assert await store.steps_done(user.id) == {"health-card"}


async def test_wal_is_checkpointed_and_truncated_on_close(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        user = await store.get_or_create_user("t", "1")
        for i in range(SQLiteStore.CHECKPOINT_EVERY + 5):
            await store.record_visit(user.id, f"n{i}")
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == SQLiteStore.CHECKPOINT_EVERY + 5


async def test_user_deleted_by_another_process_is_recreated_on_the_next_turn(db_path: Path, sample_tree,
                                                                            catalogs) -> None:
    from tests.conftest import Chat

    async with SQLiteStore(db_path) as store:
        chat = Chat(make_engine(sample_tree, catalogs, store))
        await chat("/start")
        await chat.payload("lang:en")
        with sqlite3.connect(db_path) as other:  # e.g. `marhaba privacy purge` from cron
            other.execute("PRAGMA foreign_keys=ON")
            other.execute("DELETE FROM users")
        out = await chat.payload("n:health")
        assert "something went wrong" not in chat.text
        assert all(o.payload.startswith("lang:") for o in out[0].options), "a new user is asked for a language"


async def test_a_deleted_users_id_is_never_given_to_a_new_user(db_path: Path) -> None:
    async with SQLiteStore(db_path) as store:
        await store.get_or_create_user("telegram", "first")
        newest = await store.get_or_create_user("telegram", "newest")
        await store.forget(newest.id)
        after = await store.get_or_create_user("telegram", "after")
        assert after.id > newest.id


@contextlib.contextmanager
def database_before(db_path: Path, version: int) -> Iterator[sqlite3.Connection]:
    """A database file as a version without migration ``version`` and later left it, open for filling."""
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at REAL NOT NULL)")
        for number, name, sql in migrations():
            if number < version:
                raw.executescript(sql)
                raw.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
        yield raw


async def test_rebuilding_the_users_table_keeps_every_row_that_references_it(db_path: Path) -> None:
    # A database made before migration 008: its users and their progress come through whole.
    with database_before(db_path, 8) as raw:
        raw.execute("INSERT INTO users (id, channel, channel_user_id, locale, created_at, last_seen) "
                    "VALUES (7, 'telegram', '42', 'ar', 1, 1)")
        raw.execute("INSERT INTO visits (user_id, node_id, first_at, last_at) VALUES (7, 'health', 1, 1)")
        raw.execute("INSERT INTO steps_done (user_id, node_id, done_at) VALUES (7, 'health-card', 1)")
    async with SQLiteStore(db_path) as store:
        user = await store.get_user("telegram", "42")
        assert user is not None and (user.id, user.locale) == (7, "ar")
        assert await store.visited(7) == {"health"} and await store.steps_done(7) == {"health-card"}
        await store.forget(7)  # the cascade still reaches the rows that reference users
        assert await store.visited(7) == set() and await store.steps_done(7) == set()
        async with store.db.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_migration_010_drops_drafts_and_unattributable_texts_and_keeps_their_counts(db_path: Path) -> None:
    # A database made before migration 010: drafts kept as tickets, unanswered texts that name nobody.
    day = 1_780_000_000.0
    with database_before(db_path, 10) as raw:
        raw.execute("INSERT INTO users (id, channel, channel_user_id, created_at, last_seen) "
                    "VALUES (7, 'telegram', '42', 1, 1)")
        raw.executemany("INSERT INTO question_tickets (user_id, locale, question, status, created_at, updated_at) "
                        "VALUES (7, 'en', ?, ?, 1, 1)", [("a draft never sent", "draft"), ("sent to staff", "open")])
        raw.executemany("INSERT INTO unanswered_questions (question_key, locale, question, count, first_at, last_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [("a", "ar", "a", 2, day, day), ("b", "ar", "b", 1, day, day),
                                                      ("c", "fa", "c", 4, day, day + 86_400)])
    async with SQLiteStore(db_path) as store:
        tickets = await store.db.execute_fetchall("SELECT question, status FROM question_tickets")
        assert tickets == [("sent to staff", "open")]
        assert await store.db.execute_fetchall("SELECT * FROM unanswered_questions") == []
        counts = await store.db.execute_fetchall("SELECT day, locale, count FROM unanswered_counts ORDER BY 1, 2")
        assert counts == [("2026-05-28", "ar", 3), ("2026-05-29", "fa", 4)]
    files = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*") if p.suffix != ".key")
    assert b"a draft never sent" not in files, "deleted with secure_delete: overwritten, not left in free space"
