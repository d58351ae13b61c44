"""The command menu: ``setMyCommands`` once per language, so users see it in theirs."""

from __future__ import annotations

import logging
import re

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from bot.core import Engine
from bot.i18n import DEFAULT_LOCALE, two_letter_code

log = logging.getLogger("marhaba.telegram")

MAX_COMMANDS = 100
"""setMyCommands: "At most 100 commands can be specified" (https://core.telegram.org/bots/api#setmycommands)."""

MAX_DESCRIPTION_CHARS = 256
"""BotCommand.description: "1-256 characters" (https://core.telegram.org/bots/api#botcommand)."""

# BotCommand.command: "1-32 characters. Can contain only lowercase English letters, digits and underscores."
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
# language_code: "A two-letter ISO 639-1 language code" (https://core.telegram.org/bots/api#setmycommands).
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")


def command_menus(engine: Engine) -> dict[str, list[BotCommand]]:
    """Language code -> the public commands described in that language.

    The key ``""`` is the default menu (the default locale), shown to users
    whose client language has no menu of its own. Locales Telegram cannot
    name (``fa_AF``, ``ckb``: it takes two-letter codes only) get the default;
    Kurmanji is registered as ``ku``.
    """
    menus: dict[str, list[BotCommand]] = {}
    for locale in ["", *engine.catalogs.locales]:
        code = (two_letter_code(locale) or "") if locale else ""
        if locale and (not _LANGUAGE_RE.match(code) or code in menus):
            continue
        t = engine.catalogs.get(locale or DEFAULT_LOCALE)
        commands = [
            BotCommand(c.name, t.gettext(c.description)[:MAX_DESCRIPTION_CHARS])
            for c in engine.public_commands()
            if _COMMAND_RE.match(c.name) and c.description
        ]
        menus[code] = commands[:MAX_COMMANDS]
    return menus


async def register_commands(bot: Bot, engine: Engine) -> None:
    """Register the command menus; a failure is logged, never fatal (the bot works without them)."""
    for code, commands in command_menus(engine).items():
        try:
            await bot.set_my_commands(commands, language_code=code or None)
        except TelegramError as exc:
            log.warning("setMyCommands failed for language '%s' (%s)", code or "default", type(exc).__name__)
