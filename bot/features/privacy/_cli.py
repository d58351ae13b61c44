"""``marhaba privacy``: what is kept and for how long; ``marhaba privacy purge`` applies it once (for cron)."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.features.privacy._retention import RetentionRule, check_limits, purge, rules_of
from bot.settings import Settings
from bot.store import open_store


def register_cli(sub: argparse._SubParsersAction, features: Sequence[Any]) -> None:
    """Add ``marhaba privacy [rules | purge]`` to the command line, with the rules ``features`` declare."""
    privacy = sub.add_parser("privacy", help="the retention rules; delete data past its retention period")
    privacy.set_defaults(func=cmd_rules, rules=lambda: rules_of(features))
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION")
    rules = psub.add_parser("rules", help="list what is kept and for how long (the default)")
    rules.set_defaults(func=cmd_rules)
    run = psub.add_parser("purge", help="delete everything past its retention period now (for cron)")
    run.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    run.set_defaults(func=cmd_purge)


def cmd_rules(args: argparse.Namespace) -> int:
    """Print every retention rule with its period as configured now; exit 0."""
    settings = Settings.from_env()
    rules: dict[str, RetentionRule] = args.rules()
    check_limits(settings, rules)
    print("Retention rules (`marhaba run` applies them daily, `marhaba privacy purge` now):")
    for rule in rules.values():
        print("  " + rule.describe(settings))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Print how many rows each rule deleted; exit 0."""
    settings = Settings.from_env(db_path=Path(args.db).expanduser() if args.db else None)
    rules: dict[str, RetentionRule] = args.rules()
    check_limits(settings, rules)

    async def run() -> dict[str, int]:
        async with open_store(settings.store_database) as store:
            return await purge(store, settings, rules=rules)

    done = asyncio.run(run())
    for name in rules:
        print(f"{name}: {done[name]} deleted" if name in done else f"{name}: kept (retention is 0 days)")
    return 0
