"""``marhaba run``: serve the configured channels and the features' background jobs."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from bot.channels import channel_specs, quiet_loggers
from bot.logs import protect_logging


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import serve
    from bot.settings import Settings

    settings = Settings.from_env()
    logging.getLogger().setLevel(settings.log.level or "INFO")
    protect_logging(quiet_loggers())
    asyncio.run(serve(settings, args.channels))
    return 0


def register_cli(sub: Any) -> None:
    """Add ``marhaba run``."""
    run = sub.add_parser("run", help="serve the messaging channels (all configured ones by default)")
    run.add_argument("channels", nargs="*", metavar="CHANNEL", help=", ".join(s.name for s in channel_specs()))
    run.set_defaults(func=cmd_run)
