"""``marhaba preview``: a local web page to try the bot as each channel shows it."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.errors import ConfigError


def _cmd_preview(args: argparse.Namespace) -> int:
    from bot.features.preview import serve_preview
    from bot.settings import Settings

    settings = Settings.from_env(
        db_path=Path(args.db).expanduser() if args.db else None,
        content_dir=Path(args.content) if args.content else None,
    )
    try:
        asyncio.run(serve_preview(settings, args.host, args.port, args.open_engine, temporary_db=not args.db))
    except OSError as exc:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    return 0


def register_cli(subparsers: Any, features: Sequence[Any] = ()) -> None:
    """Add ``marhaba preview``."""
    preview = subparsers.add_parser("preview", help="a local web page to try the bot as each channel shows it")
    preview.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    preview.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    preview.add_argument("--db", help="SQLite file (default: a temporary one, removed at exit)")
    preview.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    preview.set_defaults(func=_cmd_preview)
