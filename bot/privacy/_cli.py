"""``marhaba privacy purge``: run the retention rules once (for cron)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import bot.feedback  # noqa: F401 - registers its retention rule
from bot.privacy._retention import RULES, check_limits, purge
from bot.settings import Settings
from bot.store import SQLiteStore


def register_cli(sub: argparse._SubParsersAction) -> None:
    """Add ``marhaba privacy ...`` to the command line."""
    privacy = sub.add_parser("privacy", help="delete data past its retention period")
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    run = psub.add_parser("purge", help="delete inactive users and old unanswered questions now (for cron)")
    run.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    run.set_defaults(func=cmd_purge)


def cmd_purge(args: argparse.Namespace) -> int:
    """Print how many rows each rule deleted; exit 0."""
    settings = Settings.from_env(db_path=Path(args.db).expanduser() if args.db else None)
    check_limits(settings)

    async def run() -> dict[str, int]:
        async with SQLiteStore(settings.db_path) as store:
            return await purge(store, settings)  # type: ignore[arg-type]

    done = asyncio.run(run())
    for name in RULES:
        print(f"{name}: {done[name]} deleted" if name in done else f"{name}: kept (retention is 0 days)")
    return 0
