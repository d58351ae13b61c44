"""What the command groups share: the settings from the common ``--db`` and ``--content`` options."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.settings import Settings


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings, with ``--db`` and ``--content`` (when the command has them) in front of the environment."""
    return Settings.from_env(
        db_path=Path(args.db).expanduser() if getattr(args, "db", None) else None,
        content_dir=Path(args.content) if getattr(args, "content", None) else None,
    )
