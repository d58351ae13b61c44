"""``marhaba stats`` and ``marhaba preview``: staff tools on the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.errors import ConfigError


def _settings(args: argparse.Namespace):
    from bot.settings import Settings

    return Settings.from_env(
        db_path=Path(args.db).expanduser() if args.db else None,
        content_dir=Path(args.content) if args.content else None,
    )


def _cmd_stats(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.features.staff._stats import gather, html_report, text_report
    from bot.store import open_store

    settings = _settings(args)
    if not settings.database_url and not settings.db_path.is_file():
        raise ConfigError(f"no database at {settings.db_path}; pass --db or set MARHABA_DB")
    tree = load_content(settings.content_dir).tree

    async def run() -> None:
        async with open_store(settings.store_database) as store:
            stats = await gather(store, tree, features=args.features)
        if args.html:
            Path(args.html).write_text(html_report(stats), encoding="utf-8")
            print(f"wrote {args.html}")
        elif args.json:
            print(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
        else:
            print(text_report(stats))

    asyncio.run(run())
    return 0


def register_cli(subparsers: argparse._SubParsersAction, features: Sequence[Any] = ()) -> None:
    """Add ``marhaba stats`` (with the figures of ``features``)."""
    stats = subparsers.add_parser("stats", help="usage statistics (aggregates only)")
    stats.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    stats.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    out = stats.add_mutually_exclusive_group()
    out.add_argument("--html", metavar="FILE", help="write a self-contained HTML report with charts")
    out.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(func=_cmd_stats, features=features)
