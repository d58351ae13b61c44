"""``marhaba content links``: each topic's Telegram and WhatsApp link, and a QR code of each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.errors import ConfigError

USERNAME_ENV = "MARHABA_TELEGRAM_BOT_USERNAME"
NUMBER_ENV = "MARHABA_WHATSAPP_NUMBER"


def cmd_links(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.core import node_title
    from bot.features.links import EXAMPLE_NUMBER, EXAMPLE_USERNAME, topic_links, write_qr_codes
    from bot.features.links._links import check_number, check_username
    from bot.i18n import LOCALES, Catalogs, negotiate
    from bot.settings import Settings

    settings = Settings.from_env(content_dir=Path(args.content) if args.content else None)
    locale = None
    if args.lang:
        locale = negotiate(args.lang)
        if locale not in LOCALES:
            raise ConfigError(f"unknown language '{args.lang}'; choose from: {', '.join(LOCALES)}")
    username = args.telegram_bot or settings.telegram.bot_username
    if not username:
        print(f"No Telegram bot username: pass --telegram-bot or set {USERNAME_ENV}. "
              f"Using the example @{EXAMPLE_USERNAME}: these links do not work.", file=sys.stderr)
    number = args.whatsapp_number or settings.whatsapp.number
    if not number:
        print(f"No WhatsApp business number: pass --whatsapp-number or set {NUMBER_ENV}. "
              f"Using the example +{EXAMPLE_NUMBER}: these links do not work.", file=sys.stderr)
    username = check_username(username) if username else EXAMPLE_USERNAME
    number = check_number(number) if number else EXAMPLE_NUMBER
    tree = load_content(settings.content_dir).tree
    t = Catalogs(settings.locales_dir).get(locale or "en")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the folder {out}: {exc.strerror}") from None
    written = 0
    for links in topic_links(tree, username, number, locale, title=lambda node: node_title(node, t)):
        print(f"{links.title} ({links.node_id})\n  Telegram: {links.telegram}\n  WhatsApp: {links.whatsapp}")
        try:
            written += len(write_qr_codes(links, out, locale))
        except OSError as exc:
            raise ConfigError(f"cannot write the QR codes into {out}: {exc.strerror}") from None
    print(f"{written} QR codes (SVG and PNG, one per topic and link) written to {out}.")
    return 0


def register_cli(content_subparsers: argparse._SubParsersAction) -> None:
    """Add ``marhaba content links`` to the ``content`` command."""
    links = content_subparsers.add_parser(
        "links", help="print each topic's t.me and wa.me link and write a QR code of each (for posters)")
    links.add_argument("--out", required=True, metavar="DIR", help="folder for the QR codes (SVG and PNG)")
    links.add_argument("--lang", help="open the pages in this language, e.g. ar (default: the newcomer chooses)")
    links.add_argument("--telegram-bot", metavar="USERNAME",
                       help=f"the bot's Telegram username (default: ${USERNAME_ENV})")
    links.add_argument("--whatsapp-number", metavar="NUMBER",
                       help=f"the WhatsApp business number, international form (default: ${NUMBER_ENV})")
    links.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    links.set_defaults(func=cmd_links)
