"""Reading a whole SQLite database table by table, for ``marhaba db copy`` (the other backend writes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from bot.store.sqlite._store import SQLiteStore

INTERNAL_TABLES = ("schema_migrations", "sqlite_sequence")
"""Tables of the backend itself: each database keeps its own."""


async def tables(store: SQLiteStore) -> list[str]:
    """The data tables of the database (not the backend's own)."""
    rows = await store.db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [str(r[0]) for r in rows if r[0] not in INTERNAL_TABLES]


async def columns(store: SQLiteStore, table: str) -> list[str]:
    return [str(r[1]) for r in await store.db.execute_fetchall(f'PRAGMA table_info("{table}")')]


async def count(store: SQLiteStore, table: str) -> int:
    return int(next(iter(await store.db.execute_fetchall(f'SELECT COUNT(*) FROM "{table}"')))[0])


async def rows(store: SQLiteStore, table: str, names: list[str], batch: int = 5000) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The rows of ``table`` (only the columns ``names``), ``batch`` at a time, in rowid order."""
    quoted = ", ".join(f'"{name}"' for name in names)
    async with store.db.execute(f'SELECT {quoted} FROM "{table}"') as cursor:
        while chunk := await cursor.fetchmany(batch):
            yield [tuple(r) for r in chunk]


async def highest_ids(store: SQLiteStore) -> dict[str, int]:
    """The highest id ever given out per AUTOINCREMENT table (ids of deleted rows included): a copy must
    not give them out again."""
    found = await store.db.execute_fetchall("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
    if not found:
        return {}
    return {str(name): int(seq) for name, seq in await store.db.execute_fetchall("SELECT name, seq FROM sqlite_sequence")}
