"""``marhaba db migrate``: bring the configured database's schema up to date and say where it stands."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli._common import settings_from
from bot.settings import Settings
from bot.store import open_store


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


def register_cli(sub: argparse._SubParsersAction[Any]) -> None:
    db = sub.add_parser("db", help="the database: apply migrations")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate_parser = dsub.add_parser(
        "migrate", help="apply pending migrations to the configured database ($MARHABA_DATABASE_URL or "
                        "$MARHABA_DB) and report the schema version; safe to run from many processes at once")
    migrate_parser.set_defaults(func=cmd_db_migrate)
