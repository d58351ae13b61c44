"""``marhaba db migrate``: bring the configured database's schema up to date and say where it stands;
``marhaba db copy``: move a SQLite deployment into PostgreSQL without losing a row."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.cli._common import settings_from
from bot.errors import ConfigError
from bot.logs import remember_secret
from bot.settings import Settings
from bot.store import POSTGRES_SCHEMES, open_store


async def migrate(settings: Settings) -> str:
    """Apply the pending migrations; one line saying what was applied and the schema version."""
    store = open_store(settings.store_database)
    async with store:  # opening applies the pending migrations, each under the backend's lock
        applied = store.migrations_applied
        version = await store.schema_version()
    where = store.describe()
    if applied:
        return f"{where}: applied {len(applied)} migration{'s' if len(applied) != 1 else ''} " \
               f"({', '.join(applied)}); schema at version {version}."
    return f"{where}: schema up to date at version {version}."


def cmd_db_migrate(args: argparse.Namespace) -> int:
    print(asyncio.run(migrate(settings_from(args))))
    return 0


async def copy(source: str, target: str) -> list[str]:
    """Copy the SQLite database ``source`` into the empty PostgreSQL database ``target``; a line per table."""
    from bot.store.postgres import PostgresStore
    from bot.store.postgres._import import copy_from_sqlite
    from bot.store.sqlite import SQLiteStore, serving_lock

    if not target.startswith(POSTGRES_SCHEMES):
        raise ConfigError("--to must be a PostgreSQL URL (postgresql://user@host:port/database)")
    password = urlsplit(target).password
    if password:
        remember_secret(password)
    path = Path(source.removeprefix("sqlite://")).expanduser()
    if source.startswith(POSTGRES_SCHEMES) or not path.is_file():
        raise ConfigError(f"--from must be an existing SQLite file (sqlite:///path/to/marhaba.db): {path} is not one")
    with serving_lock(path):  # no `marhaba run` may write to it meanwhile
        async with SQLiteStore(path) as sqlite, PostgresStore(target) as postgres:
            copied = await copy_from_sqlite(sqlite, postgres)
            where = postgres.describe()
    lines = [f"{c.table}: {c.target_rows} row{'s' if c.target_rows != 1 else ''}" for c in copied]
    total = sum(c.target_rows for c in copied)
    return [*lines, f"copied {total} rows of {len(copied)} tables from SQLite {path} into {where}; "
                    "every table's count matches."]


def cmd_db_copy(args: argparse.Namespace) -> int:
    for line in asyncio.run(copy(args.source, args.target)):
        print(line)
    return 0


def register_cli(sub: argparse._SubParsersAction[Any]) -> None:
    db = sub.add_parser("db", help="the database: apply migrations, copy SQLite into PostgreSQL")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate_parser = dsub.add_parser(
        "migrate", help="apply pending migrations to the configured database ($MARHABA_DATABASE_URL or "
                        "$MARHABA_DB) and report the schema version; safe to run from many processes at once")
    migrate_parser.set_defaults(func=cmd_db_migrate)
    copy_parser = dsub.add_parser(
        "copy", help="copy every row of a SQLite database into a new, empty PostgreSQL database (one transaction, "
                     "verified by each table's row count); stop `marhaba run` on the SQLite file first")
    copy_parser.add_argument("--from", dest="source", required=True, metavar="sqlite:///PATH",
                             help="the SQLite database (sqlite:///path/to/marhaba.db, or its path)")
    copy_parser.add_argument("--to", dest="target", required=True, metavar="postgresql://…",
                             help="the PostgreSQL database (migrated first; must hold no rows)")
    copy_parser.set_defaults(func=cmd_db_copy)
