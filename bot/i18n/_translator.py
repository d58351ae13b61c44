"""Catalogs per locale: UI strings (domain ``ui``) and content strings (domain ``content``).

A missing or fuzzy translation falls back to the English source text, never
to a message id or an empty string: fuzzy entries are not compiled, and
content entries are keyed by context with the English text as message id.
"""

from __future__ import annotations

import gettext as _gettext
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from bot.i18n._locales import DEFAULT_LOCALE, LOCALES, catalog_chain, is_rtl

log = logging.getLogger("marhaba.i18n")

UI_DOMAIN = "ui"
CONTENT_DOMAIN = "content"
DEFAULT_LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


NATIVE_DIGITS = {
    "arab": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "arabext": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
}


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


class Translator:
    """Everything locale-dependent for one locale: catalogs, direction, formatting."""

    def __init__(self, locale: str, ui: _gettext.NullTranslations, content: _gettext.NullTranslations) -> None:
        self.locale = locale
        self.rtl = is_rtl(locale)
        self._ui = ui
        self._content = content
        self.babel_locale = Locale.parse(locale)
        self._numbers: dict[tuple[str, float], str] = {}

    def gettext(self, message: str) -> str:
        return self._ui.gettext(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._ui.ngettext(singular, plural, n) or (singular if n == 1 else plural)

    def content(self, context: str, source: str) -> str:
        """A content string (``context`` like ``health.title``) in this locale, or the source."""
        if not source:
            return source
        return self._content.pgettext(context, source) or source

    def number(self, n: float) -> str:
        return self._cached("d", n, format_decimal)

    def percent(self, fraction: float) -> str:
        return self._cached("%", round(fraction, 2), format_percent)

    def _cached(self, kind: str, value: float, fmt: Callable[..., str]) -> str:
        # Babel's number formatting is slow; the values shown (counts, whole percents) repeat.
        key = (kind, value)
        text = self._numbers.get(key)
        if text is None:
            # The locale's own numbering system (Persian ۱۲ with its separators); Babel gives
            # the separators of that system but Latin digits, so the digits are mapped here.
            system = self.babel_locale.default_numbering_system
            text = fmt(value, locale=self.babel_locale, numbering_system="default")
            if system in NATIVE_DIGITS:
                text = text.translate(NATIVE_DIGITS[system])
            if len(self._numbers) < 10_000:
                self._numbers[key] = text
        return text

    def date(self, value: date, fmt: str = "long") -> str:
        return format_date(value, format=fmt, locale=self.babel_locale)

    def datetime(self, value: datetime, fmt: str = "medium", tzinfo: object = None) -> str:
        return format_datetime(value, format=fmt, tzinfo=tzinfo, locale=self.babel_locale)


def _load(directory: Path, locale: str, domain: str) -> _gettext.NullTranslations:
    chain: _gettext.NullTranslations | None = None
    for code in reversed(catalog_chain(locale)):
        mo = directory / code / "LC_MESSAGES" / f"{domain}.mo"
        if not mo.is_file():
            continue
        try:
            with mo.open("rb") as fh:
                cat = _gettext.GNUTranslations(fh)
        except Exception as exc:  # a .mo compiled by hand with a broken header: serve English, not a crash
            log.error("cannot load %s (%s); its texts are shown in English until `marhaba i18n compile` "
                      "succeeds", mo, type(exc).__name__)
            continue
        if chain is not None:
            cat.add_fallback(chain)
        chain = cat
    return chain or _gettext.NullTranslations()


class Catalogs:
    """All shipped locales' translators, loaded once from compiled ``.mo`` files."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else DEFAULT_LOCALES_DIR
        self._translators: dict[str, Translator] = {}
        for code in LOCALES:
            self._translators[code] = Translator(
                code, _load(self.directory, code, UI_DOMAIN), _load(self.directory, code, CONTENT_DOMAIN)
            )

    def get(self, locale: str | None) -> Translator:
        """The translator for ``locale``; the default locale's for anything unknown."""
        return self._translators.get(locale or DEFAULT_LOCALE) or self._translators[DEFAULT_LOCALE]

    @property
    def locales(self) -> list[str]:
        return list(self._translators)
