"""``marhaba privacy``: what is kept and for how long; ``marhaba privacy purge`` applies it once (for cron)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import bot.features.feedback  # noqa: F401 - registers its retention rule
from bot.features.privacy._retention import RULES, check_limits, purge
from bot.settings import Settings
from bot.store import sqlite_store


def register_cli(sub: argparse._SubParsersAction) -> None:
    """Add ``marhaba privacy [rules | purge]`` to the command line."""
    privacy = sub.add_parser("privacy", help="the retention rules; delete data past its retention period")
    privacy.set_defaults(func=cmd_rules)
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION")
    rules = psub.add_parser("rules", help="list what is kept and for how long (the default)")
    rules.set_defaults(func=cmd_rules)
    run = psub.add_parser("purge", help="delete everything past its retention period now (for cron)")
    run.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    run.set_defaults(func=cmd_purge)


def cmd_rules(args: argparse.Namespace) -> int:
    """Print every retention rule with its period as configured now; exit 0."""
    settings = Settings.from_env()
    check_limits(settings)
    print("Retention rules (`marhaba run` applies them daily, `marhaba privacy purge` now):")
    for rule in RULES.values():
        print("  " + rule.describe(settings))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Print how many rows each rule deleted; exit 0."""
    settings = Settings.from_env(db_path=Path(args.db).expanduser() if args.db else None)
    check_limits(settings)

    async def run() -> dict[str, int]:
        async with sqlite_store(settings) as store:
            return await purge(store, settings)  # type: ignore[arg-type]

    done = asyncio.run(run())
    for name in RULES:
        print(f"{name}: {done[name]} deleted" if name in done else f"{name}: kept (retention is 0 days)")
    return 0
