"""Test helpers that read and set rows of a SQLite database directly (and read a PostgreSQL one): the only SQL tests outside
``tests/store/`` rely on, named by table and column so that those tests hold none (issue #18, rule 3).

``where`` maps a column to the value it must equal (:data:`NOT_NULL`: any value but NULL).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.store import Store
from bot.store.postgres import PostgresStore
from bot.store.sqlite import SQLiteStore

NOT_NULL = object()
"""A ``where`` value: the column is not NULL."""


def _where(where: Mapping[str, Any] | None) -> tuple[str, tuple[Any, ...]]:
    if not where:
        return "", ()
    parts, params = [], []
    for column, value in where.items():
        if value is NOT_NULL:
            parts.append(f'"{column}" IS NOT NULL')
        elif value is None:
            parts.append(f'"{column}" IS NULL')
        else:
            parts.append(f'"{column}" = ?')
            params.append(value)
    return " WHERE " + " AND ".join(parts), tuple(params)


def _select(table: str, columns: str, where: Mapping[str, Any] | None, order: str | None) -> tuple[str, tuple]:
    clause, params = _where(where)
    return f'SELECT {columns} FROM "{table}"{clause}' + (f" ORDER BY {order}" if order else ""), params


async def rows(store: SQLiteStore | Store, table: str, columns: str = "*", where: Mapping[str, Any] | None = None,
               order: str | None = None) -> list[tuple]:
    """The rows of ``table`` (``columns``, matching ``where``, ordered by ``order``), on either backend."""
    sql, params = _select(table, columns, where, order)
    if isinstance(store, PostgresStore):
        numbered = iter(range(1, len(params) + 1))
        return [tuple(r) for r in await store.fetch(re.sub(r"\?", lambda _: f"${next(numbered)}", sql), *params)]
    assert isinstance(store, SQLiteStore)
    return [tuple(r) for r in await store.db.execute_fetchall(sql, params)]


async def count(store: SQLiteStore, table: str, where: Mapping[str, Any] | None = None) -> int:
    """How many rows of ``table`` match ``where``."""
    return int((await rows(store, table, "COUNT(*)", where))[0][0])


async def update(store: SQLiteStore, table: str, values: Mapping[str, Any],
                 where: Mapping[str, Any] | None = None) -> None:
    """Set ``values`` in the rows of ``table`` matching ``where`` (through the store's group commit)."""
    clause, params = _where(where)
    assignments = ", ".join(f'"{column}" = ?' for column in values)
    await store.write((f'UPDATE "{table}" SET {assignments}{clause}', (*values.values(), *params)))


async def insert(store: SQLiteStore, table: str, *values: Mapping[str, Any]) -> None:
    """Insert one row per mapping of ``values`` into ``table``, in one transaction."""
    await store.write(*((f'INSERT INTO "{table}" ({", ".join(v)}) VALUES ({", ".join("?" for _ in v)})',
                         tuple(v.values())) for v in values))


async def drop_table(store: SQLiteStore, table: str) -> None:
    """Drop ``table`` (a database made without a feature's migration)."""
    await store.write((f'DROP TABLE "{table}"', ()))


async def tables(store: SQLiteStore) -> list[str]:
    """Every table of the database."""
    return [r[0] for r in await store.db.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")]


async def columns(store: SQLiteStore, table: str) -> list[str]:
    """The columns of ``table``."""
    return [r[1] for r in await store.db.execute_fetchall(f'PRAGMA table_info("{table}")')]


async def refers_to_users(store: SQLiteStore, table: str) -> bool:
    """True when ``table`` has a foreign key to ``users``."""
    return any(r[2] == "users" for r in await store.db.execute_fetchall(f'PRAGMA foreign_key_list("{table}")'))


def file_rows(db_path: Path, table: str, columns: str = "*", where: Mapping[str, Any] | None = None,
              order: str | None = None) -> list[tuple]:
    """:func:`rows`, from the database file on its own connection (the store may be closed or elsewhere)."""
    sql, params = _select(table, columns, where, order)
    with sqlite3.connect(db_path) as db:
        return [tuple(r) for r in db.execute(sql, params)]


def file_count(db_path: Path, table: str, where: Mapping[str, Any] | None = None) -> int:
    return int(file_rows(db_path, table, "COUNT(*)", where)[0][0])


def file_dump(db_path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table of the file: its columns and all its rows."""
    out = {}
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            names = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            out[table] = (names, [tuple(r) for r in db.execute(f'SELECT * FROM "{table}"')])
    return out


def file_user_rows(db_path: Path, user_id: int) -> dict[str, int]:
    """Rows per table whose column referencing ``users(id)`` is ``user_id``."""
    out: dict[str, int] = {}
    with sqlite3.connect(db_path) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for fk in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
                if fk[2] == "users":
                    count = db.execute(f'SELECT COUNT(*) FROM "{table}" WHERE "{fk[3]}" = ?', (user_id,)).fetchone()[0]
                    out[table] = out.get(table, 0) + count
    return out


def file_problems(db_path: Path) -> list[str]:
    """``PRAGMA integrity_check`` and the foreign keys, from a separate connection: ``[]`` when sound."""
    with sqlite3.connect(db_path) as db:
        problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [repr(r) for r in db.execute("PRAGMA foreign_key_check")]
    return problems
