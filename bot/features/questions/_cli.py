"""``marhaba questions unanswered``: the questions the content did not answer."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any


def _settings(args: argparse.Namespace) -> Any:
    from bot.settings import Settings

    return Settings.from_env(
        db_path=Path(args.db).expanduser() if getattr(args, "db", None) else None,
        content_dir=Path(args.content) if getattr(args, "content", None) else None,
    )


def cmd_unanswered(args: argparse.Namespace) -> int:
    from bot.features.questions._store import questions_of
    from bot.store import open_store

    settings = _settings(args)

    async def run() -> list[Any]:
        async with open_store(settings.store_database) as store:
            return await questions_of(store).unanswered(args.limit)

    rows = asyncio.run(run())
    if args.json:
        for r in rows:
            print(json.dumps({"question": r.question, "locale": r.locale, "count": r.count,
                              "first_at": r.first_at, "last_at": r.last_at}, ensure_ascii=False))
        return 0
    if not rows:
        print("No unanswered questions.")
        return 0
    print(f"{'count':>5}  {'locale':<6} {'last asked':<16}  question")
    for r in rows:
        when = datetime.fromtimestamp(r.last_at).strftime("%Y-%m-%d %H:%M")
        print(f"{r.count:>5}  {r.locale:<6} {when:<16}  {shorten(r.question, None if args.full else LISTED_CHARS)}")
    return 0


LISTED_CHARS = 100
"""A question in a listing is cut to this many characters (``--full`` and ``--json`` show it whole)."""


def shorten(text: str, limit: int | None) -> str:
    """``text`` on one line, cut to ``limit`` characters with a note of how much was left out."""
    line = " ".join(text.split())
    if limit is None or len(line) <= limit:
        return line
    return f"{line[:limit].rstrip()}… (+{len(line) - limit} characters)"


def register_cli(sub: argparse._SubParsersAction) -> None:
    """Add ``questions`` to the ``marhaba`` command."""
    questions = sub.add_parser("questions", help="questions newcomers asked")
    qsub = questions.add_subparsers(dest="questions_command", metavar="ACTION", required=True)
    unanswered = qsub.add_parser("unanswered", help="questions the content did not answer: count, locale, "
                                 "when (texts only, no user identity; kept for the retention period)")
    unanswered.add_argument("--db", help="SQLite file (default: $MARHABA_DB)")
    unanswered.add_argument("--limit", type=int, default=100, help="rows to show (default 100)")
    unanswered.add_argument("--json", action="store_true", help="print JSON lines")
    unanswered.add_argument("--full", action="store_true", help="show long questions whole (listings cut them)")
    unanswered.set_defaults(func=cmd_unanswered)
