"""``marhaba chat``: the whole conversation in a terminal."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli._common import settings_from


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import open_engine
    from bot.channels.terminal import FILES_DIR, TerminalChat
    from bot.core import FloodControl, FloodLimits

    settings = settings_from(args)

    async def run() -> int:
        async with open_engine(settings) as engine:
            engine.flood = FloodControl(FloodLimits.off())  # the operator's own terminal
            return await TerminalChat(engine, user_id=args.user, language_hint=args.lang,
                                      files_dir=Path(args.files).expanduser() if args.files else FILES_DIR).run()

    return asyncio.run(run())


def register_cli(sub: Any) -> None:
    """Add ``marhaba chat``."""
    chat = sub.add_parser("chat", help="chat in the terminal with the content (no accounts, no servers)")
    chat.add_argument("--db", help="SQLite file (default: $MARHABA_DB or ~/.local/share/marhaba/marhaba.db)")
    chat.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    chat.add_argument("--lang", help="language hint, e.g. ar, fa-IR, prs")
    chat.add_argument("--user", default="local", help="act as this user id (default: local)")
    chat.add_argument("--files", metavar="DIR",
                      help="folder for files the bot sends, e.g. calendar files (default: ./marhaba-files)")
    chat.set_defaults(func=cmd_chat)
