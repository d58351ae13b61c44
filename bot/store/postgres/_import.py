"""Copying a SQLite database into an empty PostgreSQL one (``marhaba db copy``), verified by row counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.errors import StoreError
from bot.store.postgres._store import Connection, PostgresStore
from bot.store.sqlite import SQLiteStore
from bot.store.sqlite import _export as sqlite_tables

INTERNAL_TABLES = ("schema_migrations",)


@dataclass(frozen=True)
class Copied:
    """One table: rows in the source and in the target after the copy (equal, or the copy is refused)."""

    table: str
    source_rows: int
    target_rows: int


async def _target_tables(db: Connection) -> dict[str, dict[str, str]]:
    """Table -> column -> data type, of the target's current schema."""
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in await db.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
        if table not in INTERNAL_TABLES:
            out.setdefault(table, {})[column] = data_type
    return out


async def _load_order(db: Connection, tables: list[str]) -> list[str]:
    """``tables`` with every table after the tables it references (users before visits, broadcasts before
    the outbox), so that each foreign key finds its row."""
    refs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in await db.fetch(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f'"):
        if child in refs and parent in refs and parent != child:
            refs[child].add(parent)
    ordered: list[str] = []
    while refs:
        ready = sorted(t for t, parents in refs.items() if not parents - set(ordered))
        if not ready:
            raise StoreError(f"cannot order the tables {sorted(refs)}: their foreign keys form a cycle")
        ordered += ready
        for t in ready:
            del refs[t]
    return ordered


def _converter(data_type: str) -> Any:
    """SQLite's value as the target column's type (SQLite keeps booleans as 0/1)."""
    if data_type == "boolean":
        return lambda v: None if v is None else bool(v)
    if data_type in ("bigint", "integer", "smallint"):
        return lambda v: None if v is None else int(v)
    if data_type == "double precision":
        return lambda v: None if v is None else float(v)
    return lambda v: v


async def copy_from_sqlite(source: SQLiteStore, target: PostgresStore) -> list[Copied]:
    """Copy every row of ``source`` into ``target`` (both open, both migrated), in one transaction: all or
    nothing. ``target`` must hold no rows yet. Identity columns continue after the highest id the source
    ever gave out. Raises :class:`StoreError` when a table of the source has no place in the target or a
    count differs after the copy (then nothing was written)."""
    source_tables = await sqlite_tables.tables(source)
    highest = await sqlite_tables.highest_ids(source)
    async with target.transaction() as db:
        schema = await _target_tables(db)
        missing = [t for t in source_tables if t not in schema]
        if missing:
            raise StoreError(f"{target.describe()} has no table for {', '.join(missing)} of the SQLite database")
        holding = [t for t in schema if await db.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{t}")')]
        if holding:
            raise StoreError(f"{target.describe()} is not empty ({', '.join(sorted(holding))} hold rows); "
                             "copy into a new database only")
        copied = []
        for table in await _load_order(db, source_tables):
            columns = [c for c in await sqlite_tables.columns(source, table) if c in schema[table]]
            convert = [_converter(schema[table][c]) for c in columns]
            async for batch in sqlite_tables.rows(source, table, columns):
                await db.copy_records_to_table(
                    table, columns=columns, records=[tuple(f(v) for f, v in zip(convert, r, strict=True)) for r in batch])
            copied.append(Copied(table, await sqlite_tables.count(source, table),
                                 int(await db.fetchval(f'SELECT COUNT(*) FROM "{table}"'))))
        for table, column in await db.fetch(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_identity = 'YES'"):
            if table in source_tables:
                await db.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                    f'GREATEST((SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"), $1::bigint, 1))',
                    highest.get(table, 0))
        wrong = [c for c in copied if c.source_rows != c.target_rows]
        if wrong:
            raise StoreError("row counts differ after the copy, so nothing was copied: " + ", ".join(
                f"{c.table} {c.source_rows} in SQLite, {c.target_rows} in PostgreSQL" for c in wrong))
    return copied
