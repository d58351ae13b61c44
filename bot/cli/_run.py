"""``marhaba run``: serve the configured channels and the features' background jobs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from typing import Any

from bot.features.privacy import protect_logging


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import serve
    from bot.settings import Settings

    logging.getLogger().setLevel(os.environ.get("MARHABA_LOG_LEVEL", "INFO").upper())
    protect_logging()
    asyncio.run(serve(Settings.from_env(), args.channels))
    return 0


def register_cli(sub: Any) -> None:
    """Add ``marhaba run``."""
    run = sub.add_parser("run", help="serve Telegram and/or WhatsApp (all configured channels by default)")
    run.add_argument("channels", nargs="*", metavar="CHANNEL", help="telegram, whatsapp")
    run.set_defaults(func=cmd_run)
