"""``marhaba content check|schema|links``: the staff's content files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.content._schema import register_cli as content_schema_cli
from bot.errors import ContentError
from bot.features.links import register_cli as links_cli


def cmd_content_check(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.core import keyword_collisions
    from bot.features.broadcast import load_events
    from bot.features.safety import load_safety
    from bot.settings import Settings

    settings = Settings.from_env()
    directory = Path(args.dir) if args.dir else settings.content_dir
    result = load_content(directory)
    events = load_events(directory, result.tree)
    collisions = keyword_collisions(settings.locales_dir)
    if collisions:
        raise ContentError(collisions)
    rules, safety_warnings = load_safety(directory, result.tree)
    warnings = [*result.warnings, *safety_warnings]
    for warning in warnings:
        print(warning)
    print(f"{len(result.tree)} nodes in {len(result.files)} files, {len(events)} events, "
          f"{len(rules.phrases)} safety phrases in {len(rules.categories)} categories: content is valid"
          + (f" ({len(warnings)} warnings)" if warnings else "") + ".")
    return 0


def register_cli(sub: Any) -> None:
    """Add ``marhaba content`` and its actions."""
    content = sub.add_parser("content", help="work with the content files")
    csub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = csub.add_parser("check", help="validate the content; problems are printed as file:line:col")
    check.add_argument("dir", nargs="?", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    check.set_defaults(func=cmd_content_check)
    content_schema_cli(csub)
    links_cli(csub)
