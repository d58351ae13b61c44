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
    )
}
"""Every locale a user can choose, in the order of the language picker."""

_ALIASES = {
    # ISO 639-2/3 codes and names clients and people send.
    "prs": "fa_AF", "dari": "fa_AF", "fa_af": "fa_AF", "per": "fa", "fas": "fa", "farsi": "fa",
    "persian": "fa", "ara": "ar", "arabic": "ar", "pus": "ps", "pbt": "ps", "pbu": "ps", "pst": "ps",
    "urd": "ur", "tur": "tr", "fre": "fr", "fra": "fr", "som": "so", "eng": "en",
    # Neighbours' languages read Arabic or Turkish best when ours are missing. Not Tajik (tg): it is
    # written in Cyrillic, so a Tajik reader gets the picker, not Perso-Arabic Persian.
    "ckb": "ar", "ku": "tr",
}


def negotiate(code: str | None) -> str | None:
    """Map a client's language code to a shipped locale, or ``None`` when none fits.

    Handles the shapes real clients send: ``fa-IR``, ``ar_SY``, ``pt-br``,
    ``prs`` (Dari, mapped to ``fa_AF``), ``en-US``, upper or lower case.
    """
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
    if lang in _ALIASES:
        return _ALIASES[lang]
    return lang if lang in LOCALES else None


def is_rtl(locale: str) -> bool:
    info = LOCALES.get(locale)
    return bool(info and info.rtl)


def catalog_chain(locale: str) -> list[str]:
    """The catalogs to look in for ``locale``, most specific first."""
    info = LOCALES.get(locale)
    return [locale, *(info.fallback if info else ())]
