"""The ``marhaba`` command: argument parsing only; the work is done by the packages.

One module per built-in command group (``_chat``, ``_run``, ``_content``, ``_db``); every feature adds its own
group through ``Feature.cli`` (see :data:`bot.app.FEATURES`).

Errors a person can cause print a clear message (``file:line:col`` for
content) and exit non-zero; a Python traceback is never shown.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING

from bot.channels import quiet_loggers
from bot.cli import _ask, _chat, _content, _db, _i18n, _run
from bot.errors import ContentError, MarhabaError
from bot.logs import protect_logging
from bot.settings import LogSection, Settings

if TYPE_CHECKING:
    from bot.core import Engine, Feature

log = logging.getLogger("marhaba")


def open_engine(settings: Settings) -> AbstractAsyncContextManager[Engine]:
    """:func:`bot.app.open_engine`, imported when a command needs it; commands find it as ``args.open_engine``
    (the features' command groups do not import the application that installs them)."""
    from bot.app import open_engine as open_app_engine

    return open_app_engine(settings)


def build_parser(features: Sequence[Feature] | None = None) -> argparse.ArgumentParser:
    """The ``marhaba`` parser: the built-in groups, then each feature's (``Feature.cli``)."""
    if features is None:
        from bot.app import FEATURES

        features = FEATURES
    parser = argparse.ArgumentParser(prog="marhaba", description="A multilingual orientation chatbot for newcomers.")
    parser.set_defaults(open_engine=open_engine)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _chat.register_cli(sub)
    _run.register_cli(sub)
    _content.register_cli(sub)
    _db.register_cli(sub)
    _i18n.register_cli(sub)
    _ask.register_cli(sub)
    for feature in sorted(features, key=lambda f: f.cli_order):
        if feature.cli is not None:
            feature.cli(sub, features)
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
        protect_logging(quiet_loggers())  # every command, as broadcasts send through the channels
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
