"""Localization with Babel: catalogs, locale negotiation, formatting, bidi isolation, text folding."""

from bot.i18n._bidi import isolate, isolate_ltr, strip_bidi_controls
from bot.i18n._extract import context as content_context
from bot.i18n._locales import (
    DEFAULT_LOCALE,
    LOCALES,
    LocaleInfo,
    is_rtl,
    negotiate,
    negotiate_all,
    two_letter_code,
)
from bot.i18n._normalize import normalize, tokens
from bot.i18n._translator import (
    CONTENT_DOMAIN,
    DEFAULT_LOCALES_DIR,
    N_,
    UI_DOMAIN,
    Catalogs,
    Translator,
)

__all__ = [
    "CONTENT_DOMAIN",
    "DEFAULT_LOCALE",
    "DEFAULT_LOCALES_DIR",
    "LOCALES",
    "UI_DOMAIN",
    "Catalogs",
    "LocaleInfo",
    "N_",
    "Translator",
    "content_context",
    "is_rtl",
    "isolate",
    "isolate_ltr",
    "negotiate",
    "negotiate_all",
    "normalize",
    "two_letter_code",
    "strip_bidi_controls",
    "tokens",
]
