"""``marhaba db migrate``: bring the configured database's schema up to date and say where it stands."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.store._open import open_store
from bot.store._sqlite import SQLiteStore, migrations

if TYPE_CHECKING:
    from bot.settings import Settings


def _sqlite_versions(path: Path) -> set[int]:
    """The migrations already applied to a SQLite file, read before the store opens (and so migrates) it."""
    if not path.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
    except sqlite3.Error:
        return set()  # no table yet (or not a database: opening the store says so clearly)


async def migrate(settings: Settings) -> str:
    """Apply the pending migrations; one line saying what was applied and the schema version."""
    store = open_store(settings)
    if isinstance(store, SQLiteStore):
        before = _sqlite_versions(Path(store.path).expanduser())
        async with store:
            pass  # opening applies the pending migrations, each under BEGIN IMMEDIATE
        shipped = migrations()
        applied = [name for version, name, _ in shipped if version not in before]
        where, version = f"SQLite {store.path}", shipped[-1][0]
    else:
        from bot.store.postgres import PostgresStore, describe

        assert isinstance(store, PostgresStore)
        await store.connect()
        try:
            applied = await store.migrate()
            version = await store.schema_version()
        finally:
            await store.close()
        where = f"PostgreSQL {describe(store.url)}"
    if applied:
        return f"{where}: applied {len(applied)} migration{'s' if len(applied) != 1 else ''} " \
               f"({', '.join(applied)}); schema at version {version}."
    return f"{where}: schema up to date at version {version}."


def cmd_db_migrate(args: argparse.Namespace) -> int:
    from bot.settings import Settings

    print(asyncio.run(migrate(Settings.from_env())))
    return 0


def register_cli(sub: argparse._SubParsersAction[Any]) -> None:
    db = sub.add_parser("db", help="the database: apply migrations")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate_parser = dsub.add_parser(
        "migrate", help="apply pending migrations to the configured database ($MARHABA_DATABASE_URL or "
                        "$MARHABA_DB) and report the schema version; safe to run from many processes at once")
    migrate_parser.set_defaults(func=cmd_db_migrate)
