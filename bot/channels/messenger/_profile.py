"""The page's Messenger Profile (Get Started button, persistent menu per locale) and locale hints.

Set at start through the Messenger Profile API
(https://developers.facebook.com/docs/messenger-platform/reference/messenger-profile-api).
The menu holds the engine's public commands (menu, language, help, ...) as postbacks, each titled
with the command's description in the locale, exactly as Telegram's command menu.
"""

from __future__ import annotations

from typing import Any

from bot.channels.messenger._render import fit
from bot.channels.messenger._webhook import GET_STARTED
from bot.core import Engine
from bot.i18n import DEFAULT_LOCALE, LOCALES, negotiate

MAX_MENU_ITEMS = 20
"""``persistent_menu.call_to_actions``: up to 20 buttons since nested menus were removed
(https://developers.facebook.com/docs/messenger-platform/send-messages/persistent-menu)."""
MAX_MENU_TITLE_CHARS = 30
"""A persistent-menu button's ``title``: "30 character limit" (same page)."""

FACEBOOK_LOCALES = {
    "en": "en_US", "ar": "ar_AR", "fa": "fa_IR", "ps": "ps_AF", "ur": "ur_PK", "tr": "tr_TR", "fr": "fr_FR",
    "so": "so_SO", "kmr": "ku_TR", "ckb": "cb_IQ", "ru": "ru_RU", "uk": "uk_UA", "bn": "bn_IN",
}
"""Our locales -> Meta's locale codes
(https://developers.facebook.com/docs/messenger-platform/messenger-profile/supported-locales).
Meta has no code for Dari (``fa_AF``) or Tigrinya (``ti``): their readers see the default menu (English),
and their pages in their language once they have chosen it."""
_FROM_FACEBOOK = {code: locale for locale, code in FACEBOOK_LOCALES.items()}


def language_hint(facebook_locale: str | None) -> str | None:
    """Our locale for the person's Facebook locale (``ar_AR`` -> ``ar``, ``cb_IQ`` -> ``ckb``), else ``None``."""
    if not facebook_locale:
        return None
    locale = _FROM_FACEBOOK.get(facebook_locale) or negotiate(facebook_locale.replace("-", "_"))
    return locale if locale in LOCALES else None


def persistent_menus(engine: Engine) -> list[dict[str, Any]]:
    """One persistent menu per locale Meta can name, the default (``"default"``) in the default locale."""
    menus: list[dict[str, Any]] = []
    for locale in [DEFAULT_LOCALE, *engine.catalogs.locales]:
        code = "default" if not menus else FACEBOOK_LOCALES.get(locale)
        if code is None or any(m["locale"] == code for m in menus):
            continue
        t = engine.catalogs.get(locale)
        actions = [{"type": "postback", "title": fit(t.gettext(c.description), MAX_MENU_TITLE_CHARS),
                    "payload": f"cmd:{c.name}"} for c in engine.public_commands() if c.description]
        menus.append({"locale": code, "composer_input_disabled": False, "call_to_actions": actions[:MAX_MENU_ITEMS]})
    return menus


def messenger_profile(engine: Engine) -> dict[str, Any]:
    """The Messenger Profile API body: the Get Started button (``/start``) and the persistent menus."""
    return {"get_started": {"payload": GET_STARTED}, "persistent_menu": persistent_menus(engine)}
