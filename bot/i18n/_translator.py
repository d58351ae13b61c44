"""Catalogs per locale: UI strings (domain ``ui``) and content strings (domain ``content``).

A missing or fuzzy translation falls back to the English source text, never
to a message id or an empty string: fuzzy entries are not compiled, and
content entries are keyed by context with the English text as message id.
"""

from __future__ import annotations

import gettext as _gettext
import logging
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from datetime import tzinfo as TzInfo
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal, format_percent

from bot.i18n._digits import ARABIC_PERCENT, default_system, localize_digits, to_system
from bot.i18n._locales import DEFAULT_LOCALE, LOCALES, catalog_chain, is_rtl

log = logging.getLogger("marhaba.i18n")

UI_DOMAIN = "ui"
CONTENT_DOMAIN = "content"
DEFAULT_LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"

SHORT_FORM = "||"
"""In a translation, ``Long form||Short`` gives a short form for WhatsApp's buttons and rows."""


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def split_short(text: str) -> tuple[str, str | None]:
    """``"Long||Short"`` -> ``("Long", "Short")``; a text without a short form -> ``(text, None)``."""
    if SHORT_FORM not in text:
        return text, None
    full, _, short = text.partition(SHORT_FORM)
    return full.strip(), short.strip() or None


class Translator:
    """Everything locale-dependent for one locale: catalogs, direction, digits, formatting.

    ``digits`` is the locale's digit system (see :mod:`bot.i18n._digits`); every
    text this object returns, translated or formatted, is written in it.
    """

    def __init__(self, locale: str, ui: _gettext.NullTranslations, content: _gettext.NullTranslations,
                 digits: str | None = None) -> None:
        self.locale = locale
        self.rtl = is_rtl(locale)
        self.digits = digits or default_system(locale)
        self.comma = "،" if self.rtl else ","
        """The list comma: ، in right-to-left (Arabic-script) locales."""
        self._ui = ui
        self._content = content
        self.babel_locale = Locale.parse(locale)
        self._numbers: dict[tuple[str, float], str] = {}
        self._texts: dict[tuple[str, str], tuple[str, str | None]] = {}

    def _localized(self, kind: str, key: str, lookup: Callable[[], str]) -> tuple[str, str | None]:
        # Translations repeat on every turn: split and re-digit each once.
        hit = self._texts.get((kind, key))
        if hit is None:
            full, short = split_short(lookup())
            hit = (localize_digits(full, self.digits), localize_digits(short, self.digits) if short else None)
            if len(self._texts) < 20_000:
                self._texts[(kind, key)] = hit
        return hit

    def gettext(self, message: str) -> str:
        return self._localized("", message, lambda: self._ui.gettext(message) or message)[0]

    def short(self, message: str) -> str | None:
        """The translator's short form of a UI label (``Long||Short``), if they gave one."""
        return self._localized("", message, lambda: self._ui.gettext(message) or message)[1]

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        text = self._ui.ngettext(singular, plural, n) or (singular if n == 1 else plural)
        return localize_digits(split_short(text)[0], self.digits)

    def content(self, context: str, source: str) -> str:
        """A content string (``context`` like ``health.title``) in this locale, or the source."""
        if not source:
            return source
        return self._localized(context, source, lambda: self._content.pgettext(context, source) or source)[0]

    def content_short(self, context: str, source: str) -> str | None:
        """The translator's short form of a content text (``Long||Short``), if they gave one."""
        if not source:
            return None
        return self._localized(context, source, lambda: self._content.pgettext(context, source) or source)[1]

    def join(self, parts: list[str]) -> str:
        """Parts of a list, separated by the locale's comma (``،`` right to left)."""
        return f"{self.comma} ".join(p for p in parts if p)

    def numerals(self, text: str) -> str:
        """``text`` with its digits in this locale's digit system (for a number formatted elsewhere)."""
        return to_system(text, self.digits)

    def number(self, n: float) -> str:
        return self._cached("d", n, format_decimal)

    def percent(self, fraction: float) -> str:
        text = self._cached("%", round(fraction, 2), format_percent)
        return text.replace("%", ARABIC_PERCENT) if self.digits in ("arab", "arabext") else text

    def _cached(self, kind: str, value: float, fmt: Callable[..., str]) -> str:
        # Babel's number formatting is slow; the values shown (counts, whole percents) repeat.
        key = (kind, value)
        text = self._numbers.get(key)
        if text is None:
            # Babel gives the separators of the digit system (Persian ۱۲٬۳۴۵) but Latin digits.
            try:
                text = fmt(value, locale=self.babel_locale, numbering_system=self.digits)
            except Exception:  # Babel knows no symbols of this system for this language
                text = fmt(value, locale=self.babel_locale, numbering_system="latn")
            text = to_system(text, self.digits)
            if len(self._numbers) < 10_000:
                self._numbers[key] = text
        return text

    def _dates(self, text: str) -> str:
        text = to_system(text, self.digits)
        return text.replace(",", self.comma) if self.rtl else text

    def date(self, value: date, fmt: str = "long") -> str:
        return self._dates(format_date(value, format=fmt, locale=self.babel_locale))

    def time(self, value: time, fmt: str = "short") -> str:
        return self._dates(format_time(value, format=fmt, locale=self.babel_locale))

    def datetime(self, value: datetime, fmt: str = "medium", tzinfo: TzInfo | None = None) -> str:
        return self._dates(format_datetime(value, format=fmt, tzinfo=tzinfo, locale=self.babel_locale))


def chain_translations(locale: str, load: Callable[[str], _gettext.GNUTranslations | None]
                       ) -> _gettext.NullTranslations:
    """The catalogs of ``locale`` and its fallbacks as one chain; ``load(code)`` gives one catalog, or None."""
    chain: _gettext.NullTranslations | None = None
    for code in reversed(catalog_chain(locale)):
        cat = load(code)
        if cat is None:
            continue
        if chain is not None:
            cat.add_fallback(chain)
        chain = cat
    return chain or _gettext.NullTranslations()


def _load(directory: Path, locale: str, domain: str) -> _gettext.NullTranslations:
    def load(code: str) -> _gettext.GNUTranslations | None:
        mo = directory / code / "LC_MESSAGES" / f"{domain}.mo"
        if not mo.is_file():
            return None
        try:
            with mo.open("rb") as fh:
                return _gettext.GNUTranslations(fh)
        except Exception as exc:  # a .mo compiled by hand with a broken header: serve English, not a crash
            log.error("cannot load %s (%s); its texts are shown in English until `marhaba i18n compile` "
                      "succeeds", mo, type(exc).__name__)
            return None
    return chain_translations(locale, load)


class Catalogs:
    """All shipped locales' translators, loaded once from compiled ``.mo`` files."""

    def __init__(self, directory: str | Path | None = None, digits: Mapping[str, str] | None = None) -> None:
        """``digits`` maps a locale to its digit system where the deployer chose one (``MARHABA_DIGITS``)."""
        self.directory = Path(directory) if directory else DEFAULT_LOCALES_DIR
        self.digits = dict(digits or {})
        self._translators: dict[str, Translator] = {}
        for code in LOCALES:
            self._translators[code] = Translator(
                code, _load(self.directory, code, UI_DOMAIN), _load(self.directory, code, CONTENT_DOMAIN),
                next((self.digits[c] for c in catalog_chain(code) if c in self.digits), None),
            )

    def get(self, locale: str | None) -> Translator:
        """The translator for ``locale``; the default locale's for anything unknown."""
        return self._translators.get(locale or DEFAULT_LOCALE) or self._translators[DEFAULT_LOCALE]

    @property
    def locales(self) -> list[str]:
        return list(self._translators)
