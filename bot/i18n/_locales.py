"""The locales Marhaba ships, their names, direction, and negotiation of client codes."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class LocaleInfo:
    code: str
    native_name: str
    rtl: bool
    fallback: tuple[str, ...] = ()


LOCALES: dict[str, LocaleInfo] = {
    info.code: info
    for info in (
        LocaleInfo("en", "English", False),
        LocaleInfo("ar", "العربية", True),
        LocaleInfo("fa", "فارسی", True),
        LocaleInfo("fa_AF", "دری", True, ("fa",)),
        LocaleInfo("ps", "پښتو", True),
        LocaleInfo("ur", "اردو", True),
        LocaleInfo("tr", "Türkçe", False),
        LocaleInfo("fr", "Français", False),
        LocaleInfo("so", "Soomaali", False),
        LocaleInfo("kmr", "Kurdî (Kurmancî)", False),
        LocaleInfo("ckb", "کوردی (سۆرانی)", True),
        LocaleInfo("ru", "Русский", False),
        LocaleInfo("uk", "Українська", False),
        LocaleInfo("bn", "বাংলা", False),
        LocaleInfo("ti", "ትግርኛ", False),
    )
}
"""Every locale a user can choose, in the order of the language picker."""

_ALIASES = {
    # ISO 639-2/3 codes and names clients and people send.
    "prs": "fa_AF", "dari": "fa_AF", "fa_af": "fa_AF", "per": "fa", "fas": "fa", "farsi": "fa",
    "persian": "fa", "ara": "ar", "arabic": "ar", "pus": "ps", "pbt": "ps", "pbu": "ps", "pst": "ps",
    "urd": "ur", "tur": "tr", "fre": "fr", "fra": "fr", "som": "so", "eng": "en",
    "rus": "ru", "russian": "ru", "ukr": "uk", "ukrainian": "uk", "ben": "bn", "bengali": "bn", "bangla": "bn",
    "tir": "ti", "tigrinya": "ti", "ckb": "ckb", "sorani": "ckb", "kmr": "kmr", "kurmanji": "kmr",
    # Kurdish without a variant: written in Latin letters (Turkey, Syria) it is Kurmanji; "ku" alone
    # is what Kurmanji keyboards and phones send. Arabic-script and Iraqi/Iranian Kurdish: below.
    "ku": "kmr", "kur": "kmr", "kurdish": "kmr",
    # Neighbouring languages whose speakers read one of ours best when theirs is missing:
    # Southern Kurdish (Arabic script) reads Sorani, Sylheti reads Bengali, Belarusian reads Russian,
    # and Tajik, written in Cyrillic, is read by people who mostly read Russian, not Perso-Arabic script.
    "sdh": "ckb", "syl": "bn", "be": "ru", "tg": "ru",
}
_SORANI_REGIONS = ("iq", "ir")
"""Kurdish from Iraq or Iran, or in Arabic script, is mostly Sorani (Badini and Iranian Kurmanji aside)."""


def negotiate(code: str | None) -> str | None:
    """Map a client's language code to a shipped locale, or ``None`` when none fits.

    Handles the shapes real clients send: ``fa-IR``, ``ar_SY``, ``pt-br``,
    ``prs`` (Dari, mapped to ``fa_AF``), ``en-US``, ``ku-TR`` (Kurmanji),
    ``ku-IQ`` or ``ku-Arab`` (Sorani), upper or lower case. A list such as
    ``ckb,ar`` (Accept-Language style, ``;q=`` weights ignored) gives its first
    shipped locale: see :func:`negotiate_all`.
    """
    found = negotiate_all(code)
    return found[0] if found else None


def negotiate_all(hint: str | None) -> list[str]:
    """Every shipped locale a hint names, in its order, without repeats (``"ckb,ar,xx"`` -> ``["ckb", "ar"]``)."""
    if not hint or not isinstance(hint, str):
        return []
    out: list[str] = []
    for part in hint[:200].split(","):
        code = _negotiate_one(part.partition(";")[0])
        if code is not None and code not in out:
            out.append(code)
    return out


def _negotiate_one(code: str) -> str | None:
    if not code or not isinstance(code, str):
        return None
    norm = code.strip().replace("-", "_")[:35]
    if not norm:
        return None
    lower = norm.lower()
    if lower in _ALIASES:
        return _ALIASES[lower]
    for known in LOCALES:
        if known.lower() == lower:
            return known
    lang, _, region = lower.partition("_")
    if lang == "fa" and region == "af":
        return "fa_AF"
    if lang in ("ku", "kur"):
        subtags = lower.split("_")[1:]
        if "arab" in subtags or ("latn" not in subtags and any(r in subtags for r in _SORANI_REGIONS)):
            return "ckb"
        return "kmr"
    if lang in _ALIASES:
        return _ALIASES[lang]
    return lang if lang in LOCALES else None


def two_letter_code(locale: str) -> str | None:
    """The ISO 639-1 code that clients send for ``locale`` (``kmr`` -> ``ku``), or ``None`` (``ckb``, ``fa_AF``)."""
    if len(locale) == 2 and locale.isalpha():
        return locale
    codes = sorted(a for a, target in _ALIASES.items() if target == locale and len(a) == 2 and a.isalpha())
    return codes[0] if codes else None


def is_rtl(locale: str) -> bool:
    info = LOCALES.get(locale)
    return bool(info and info.rtl)


def catalog_chain(locale: str) -> list[str]:
    """The catalogs to look in for ``locale``, most specific first."""
    info = LOCALES.get(locale)
    return [locale, *(info.fallback if info else ())]
