"""The ``marhaba`` command: argument parsing only; the work is done by the packages.

Errors a person can cause print a clear message (``file:line:col`` for
content) and exit non-zero; a Python traceback is never shown.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.content._schema import register_cli as content_schema_cli
from bot.errors import ContentError, MarhabaError
from bot.features.broadcast._cli import register_cli as register_broadcast_cli
from bot.features.links._cli import register_cli as links_cli
from bot.features.privacy import protect_logging
from bot.features.privacy._cli import register_cli as privacy_cli
from bot.features.questions import register_cli as register_questions_cli
from bot.features.staff._cli import register_cli as staff_cli
from bot.i18n._cli import register_cli as i18n_cli
from bot.settings import LogSection, Settings
from bot.store._cli import register_cli as db_cli

log = logging.getLogger("marhaba")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        db_path=Path(args.db).expanduser() if getattr(args, "db", None) else None,
        content_dir=Path(args.content) if getattr(args, "content", None) else None,
    )


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import open_engine
    from bot.channels.terminal import FILES_DIR, TerminalChat
    from bot.core import FloodControl, FloodLimits

    settings = _settings(args)

    async def run() -> int:
        async with open_engine(settings) as engine:
            engine.flood = FloodControl(FloodLimits.off())  # the operator's own terminal
            return await TerminalChat(engine, user_id=args.user, language_hint=args.lang,
                                      files_dir=Path(args.files).expanduser() if args.files else FILES_DIR).run()

    return asyncio.run(run())


def cmd_content_check(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.core import keyword_collisions
    from bot.features.broadcast import load_events
    from bot.features.safety import load_safety

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


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import serve

    settings = Settings.from_env()
    logging.getLogger().setLevel(settings.log.level or "INFO")
    protect_logging()
    asyncio.run(serve(settings, args.channels))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="marhaba", description="A multilingual orientation chatbot for newcomers.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    chat = sub.add_parser("chat", help="chat in the terminal with the content (no accounts, no servers)")
    chat.add_argument("--db", help="SQLite file (default: $MARHABA_DB or ~/.local/share/marhaba/marhaba.db)")
    chat.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    chat.add_argument("--lang", help="language hint, e.g. ar, fa-IR, prs")
    chat.add_argument("--user", default="local", help="act as this user id (default: local)")
    chat.add_argument("--files", metavar="DIR",
                      help="folder for files the bot sends, e.g. calendar files (default: ./marhaba-files)")
    chat.set_defaults(func=cmd_chat)

    run = sub.add_parser("run", help="serve Telegram and/or WhatsApp (all configured channels by default)")
    run.add_argument("channels", nargs="*", metavar="CHANNEL", help="telegram, whatsapp")
    run.set_defaults(func=cmd_run)

    content = sub.add_parser("content", help="work with the content files")
    csub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = csub.add_parser("check", help="validate the content; problems are printed as file:line:col")
    check.add_argument("dir", nargs="?", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    check.set_defaults(func=cmd_content_check)
    content_schema_cli(csub)
    links_cli(csub)
    i18n_cli(sub)
    staff_cli(sub)
    register_questions_cli(sub)
    privacy_cli(sub)
    register_broadcast_cli(sub)
    db_cli(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    log_settings = LogSection()
    try:
        # The environment and .env, as every command reads them; a bad value stops here, named.
        log_settings = Settings.from_env().log
        logging.basicConfig(level=log_settings.level or "WARNING",
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        protect_logging()
        return func(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        print(f"{errors} error{'s' if errors != 1 else ''} in the content; nothing was changed.", file=sys.stderr)
        return exc.exit_code
    except MarhabaError as exc:
        print(f"marhaba: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`marhaba ... | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the last guard: an operator sees one line, not a traceback
        if log_settings.debug:
            raise
        print(f"marhaba: unexpected error ({type(exc).__name__}); run with MARHABA_DEBUG=1 for details",
              file=sys.stderr)
        return 1
