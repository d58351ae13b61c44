"""The repository contract suite runs every test once per store implementation in ``BACKENDS``.

``store`` is an opened store on a new, empty database of its own; ``new_store()`` makes another
(unopened) store on that same database, as a restart or a second process would; ``rows_about``
counts, table by table, the rows the backend holds about one user (read past the store);
``leases``, ``inbox(channel)`` and ``purge`` are the backend's leases, inbox and inbox purge on ``store``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.store import Inbox, Leases, SQLiteStore, Store, purge_inbox
from bot.store.postgres import PostgresInbox, PostgresLeases, PostgresStore, purge_postgres_inbox

BACKENDS = ["sqlite", "postgres"]

NewStore = Callable[[], Store]
RowsAbout = Callable[[Store, int], Awaitable[dict[str, int]]]


@pytest.fixture(params=BACKENDS)
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> NewStore:
    if request.param == "sqlite":
        path = tmp_path / "contract.db"
        return lambda: SQLiteStore(path)
    url = request.getfixturevalue("postgres").create_database()
    return lambda: PostgresStore(url)


@pytest.fixture
async def store(new_store: NewStore) -> AsyncIterator[Store]:
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
            async with store.transaction() as db:
                counts[table] = await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE {column} = $1", user_id)
    return counts


@pytest.fixture
def rows_about() -> RowsAbout:
    return _rows_about


@pytest.fixture
def leases(store: Store) -> Leases | PostgresLeases:
    return PostgresLeases(store) if isinstance(store, PostgresStore) else Leases(store)  # type: ignore[arg-type]


@pytest.fixture
def inbox(store: Store) -> Callable[[str], Inbox | PostgresInbox]:
    if isinstance(store, PostgresStore):
        return lambda channel: PostgresInbox(store, channel)
    return lambda channel: Inbox(store, channel)  # type: ignore[arg-type]


@pytest.fixture
def purge(store: Store) -> Callable[[float, float], Awaitable[int]]:
    """Delete inbox ids handled more than ``older_than`` seconds before ``now``; how many."""
    if isinstance(store, PostgresStore):
        return lambda older_than, now: purge_postgres_inbox(store, older_than, now)
    return lambda older_than, now: purge_inbox(store, older_than, now)  # type: ignore[arg-type]
