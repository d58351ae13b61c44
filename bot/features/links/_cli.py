"""``marhaba content links``: each topic's Telegram, WhatsApp, Messenger and web chat link, and a QR code of each."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from bot.errors import ConfigError

USERNAME_ENV = "MARHABA_TELEGRAM_BOT_USERNAME"
NUMBER_ENV = "MARHABA_WHATSAPP_NUMBER"
PAGE_ENV = "MARHABA_MESSENGER_PAGE"
WEBCHAT_URL_ENV = "MARHABA_WEBCHAT_URL"


def cmd_links(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.core import node_title
    from bot.features.links import (
        EXAMPLE_NUMBER,
        EXAMPLE_PAGE,
        EXAMPLE_USERNAME,
        EXAMPLE_WEBCHAT_URL,
        Targets,
        check_number,
        check_page,
        check_username,
        check_webchat_url,
        topic_links,
        write_qr_codes,
    )
    from bot.i18n import LOCALES, Catalogs, negotiate
    from bot.settings import Settings

    settings = Settings.from_env(content_dir=Path(args.content) if args.content else None)
    locale = None
    if args.lang:
        locale = negotiate(args.lang)
        if locale not in LOCALES:
            raise ConfigError(f"unknown language '{args.lang}'; choose from: {', '.join(LOCALES)}")

    def target(given: str, check: Callable[[str], str], example: str, what: str, flag: str, env: str,
               shown: str) -> str:
        """The checked value given (flag, else setting), or the example, saying so: a poster must not go out
        with a link that leads nowhere unnoticed."""
        if given:
            return check(given)
        print(f"No {what}: pass {flag} or set {env}. Using the example {shown}: these links do not work.",
              file=sys.stderr)
        return example

    targets = Targets(
        username=target(args.telegram_bot or settings.telegram.bot_username, check_username, EXAMPLE_USERNAME,
                        "Telegram bot username", "--telegram-bot", USERNAME_ENV, f"@{EXAMPLE_USERNAME}"),
        number=target(args.whatsapp_number or settings.whatsapp.number, check_number, EXAMPLE_NUMBER,
                      "WhatsApp business number", "--whatsapp-number", NUMBER_ENV, f"+{EXAMPLE_NUMBER}"),
        page=target(args.messenger_page or settings.messenger.page, check_page, EXAMPLE_PAGE,
                    "Facebook Page", "--messenger-page", PAGE_ENV, f"m.me/{EXAMPLE_PAGE}"),
        webchat_url=target(args.webchat_url or settings.webchat.url, check_webchat_url, EXAMPLE_WEBCHAT_URL,
                           "web chat address", "--webchat-url", WEBCHAT_URL_ENV, EXAMPLE_WEBCHAT_URL),
    )
    tree = load_content(settings.content_dir).tree
    t = Catalogs(settings.locales_dir).get(locale or "en")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the folder {out}: {exc.strerror}") from None
    written = 0
    for links in topic_links(tree, targets, locale, title=lambda node: node_title(node, t)):
        print(f"{links.title} ({links.node_id})\n  Telegram: {links.telegram}\n  WhatsApp: {links.whatsapp}\n"
              f"  Messenger: {links.messenger}\n  Web chat: {links.webchat}")
        try:
            written += len(write_qr_codes(links, out, locale))
        except OSError as exc:
            raise ConfigError(f"cannot write the QR codes into {out}: {exc.strerror}") from None
    print(f"{written} QR codes (SVG and PNG, one per topic and link) written to {out}.")
    return 0


def register_cli(content_subparsers: argparse._SubParsersAction) -> None:
    """Add ``marhaba content links`` to the ``content`` command."""
    links = content_subparsers.add_parser(
        "links", help="print each topic's t.me, wa.me, m.me and web chat link and write a QR code of each (for posters)")
    links.add_argument("--out", required=True, metavar="DIR", help="folder for the QR codes (SVG and PNG)")
    links.add_argument("--lang", help="open the pages in this language, e.g. ar (default: the newcomer chooses)")
    links.add_argument("--telegram-bot", metavar="USERNAME",
                       help=f"the bot's Telegram username (default: ${USERNAME_ENV})")
    links.add_argument("--whatsapp-number", metavar="NUMBER",
                       help=f"the WhatsApp business number, international form (default: ${NUMBER_ENV})")
    links.add_argument("--messenger-page", metavar="PAGE",
                       help=f"the Facebook Page's username or ID, as in m.me/PAGE (default: ${PAGE_ENV})")
    links.add_argument("--webchat-url", metavar="URL",
                       help=f"the web chat's public address, as https://bot.example.org (default: ${WEBCHAT_URL_ENV})")
    links.add_argument("--content", help="content folder (default: $MARHABA_CONTENT or the sample content)")
    links.set_defaults(func=cmd_links)
