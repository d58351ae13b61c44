"""The repository contract suite runs once per store implementation in :data:`BACKENDS`.

``store`` is an opened store on a new, empty database of its own; ``new_store()`` makes another
(unopened) store on that same database, as a restart or a second process would; ``rows_about``
counts, table by table, the rows the backend holds about one user (read past the store);
``leases``, ``inbox(channel)`` and ``purge`` are the leases, inbox and inbox purge on ``store``.

A new backend adds its name here and a branch in :func:`new_store`; passing this suite unchanged is
what proves it (issue #18, rule 8). PostgreSQL runs on the session's throwaway server
(``tests/store/conftest.py``), a new database per test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.store import Inbox, Leases, Store, purge_inbox
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore

BACKENDS = ["sqlite", "postgres"]

NewStore = Callable[[], Store]
RowsAbout = Callable[[Store, int], Awaitable[dict[str, int]]]


@pytest.fixture(params=BACKENDS)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> NewStore:
    """Makes an unopened store of the backend on one fresh database (the same one each call)."""
    if request.param == "sqlite":
        path = tmp_path / "contract.db"
        return lambda: SQLiteStore(path)
    if request.param == "postgres":
        url = request.getfixturevalue("postgres").create_database()
        return lambda: PostgresStore(url)
    raise AssertionError(f"unknown backend {request.param!r}: add it to new_store")


@pytest.fixture
async def store(new_store: NewStore) -> AsyncIterator[Store]:
    """A fresh, empty, migrated store of each backend; closed after the test."""
    async with new_store() as opened:
        yield opened


async def _rows_about(store: Store, user_id: int) -> dict[str, int]:
    counts = {}
    for table in await store.user_tables():
        column = "id" if table == "users" else "user_id"
        if isinstance(store, SQLiteStore):
            rows = await store.db.execute_fetchall(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (user_id,))
            counts[table] = next(iter(rows))[0]
        else:
            assert isinstance(store, PostgresStore)
            counts[table] = await store.fetchval(f"SELECT COUNT(*) FROM {table} WHERE {column} = $1", user_id)
    return counts


@pytest.fixture
def rows_about() -> RowsAbout:
    return _rows_about


@pytest.fixture
def leases(store: Store) -> Leases:
    return Leases(store)


@pytest.fixture
def inbox(store: Store) -> Callable[[str], Inbox]:
    return lambda channel: Inbox(store, channel)


@pytest.fixture
def purge(store: Store) -> Callable[[float, float], Awaitable[int]]:
    """Delete inbox ids handled more than ``older_than`` seconds before ``now``; how many."""
    return lambda older_than, now: purge_inbox(store, older_than, now)
