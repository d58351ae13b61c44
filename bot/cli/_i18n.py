"""``marhaba i18n extract | update | compile | status``: the translation workflow from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.errors import ConfigError


def _project(args: argparse.Namespace) -> Path:
    from bot.settings import PROJECT_DIR

    project = Path(args.project) if args.project else PROJECT_DIR
    if not (project / "locales" / "babel-ui.cfg").is_file():
        raise ConfigError(f"{project} has no locales/babel-ui.cfg; pass --project with the Marhaba folder")
    return project


def _locales(text: str | None) -> list[str] | None:
    from bot.i18n._workflow import SHIPPED

    if not text:
        return None
    codes = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in codes if c not in SHIPPED]
    if unknown:
        raise ConfigError(f"unknown locale {', '.join(unknown)}; choose from: {', '.join(SHIPPED)}")
    return codes


def _cmd_extract(args: argparse.Namespace) -> int:
    from bot.i18n._workflow import extract

    for pot in extract(_project(args)):
        print(f"wrote {pot}")
    return 0


def _cmd_update(args: argparse.Namespace) -> int:
    from bot.i18n._workflow import update

    update(_project(args), _locales(args.locales))
    print("catalogs updated; changed English texts are marked fuzzy")
    return 0


def _cmd_compile(args: argparse.Namespace) -> int:
    from bot.core import keyword_collisions
    from bot.errors import ContentError
    from bot.i18n._workflow import compile_catalogs

    collisions = keyword_collisions(_project(args) / "locales")
    if collisions:
        raise ContentError(collisions)
    written = compile_catalogs(_project(args))
    print(f"compiled {len(written)} catalogs")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    from bot.channels.whatsapp._labels import content_tree, cut_labels
    from bot.i18n._status import all_status, status_text

    project = _project(args)
    tree = content_tree(project)  # read once for every locale
    statuses = all_status(project / "locales", _locales(args.locales),
                          cut_labels=lambda locale: cut_labels(project, locale, tree))
    if args.json:
        json.dump({s.locale: s.as_dict() for s in statuses}, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(status_text(statuses))
    if args.require is not None:
        below = [s for s in statuses if round(s.percent, 1) < args.require]  # as printed, so a printed figure is a valid bar
        for s in below:
            print(f"{s.locale}: {s.percent:.1f}% translated, below the required {args.require:g}%", file=sys.stderr)
        return 1 if below else 0
    return 0


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("a percentage is between 0 and 100")
    return value


def register_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add ``marhaba i18n`` and its actions."""
    i18n = subparsers.add_parser("i18n", help="the translation workflow (wraps pybabel with the project's mapping)")
    sub = i18n.add_subparsers(dest="i18n_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, func: object) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--project", help="the Marhaba folder with content/ and locales/ (default: this install)")
        p.set_defaults(func=func)
        return p

    action("extract", "write locales/ui.pot and locales/content.pot from the code and the content", _cmd_extract)
    upd = action("update", "merge the templates into every catalog; changed texts turn fuzzy", _cmd_update)
    upd.add_argument("--locales", help="comma-separated locales (default: all shipped)")
    action("compile", "check and compile every .po to .mo (fuzzy entries are left out)", _cmd_compile)
    st = action("status", "translated / fuzzy / missing per locale, and the content nodes affected", _cmd_status)
    st.add_argument("--json", action="store_true", help="machine-readable output")
    st.add_argument("--locales", help="comma-separated locales (default: all shipped)")
    st.add_argument("--require", type=_percent, metavar="PCT",
                    help="exit 1 when a locale has less than PCT percent translated")
