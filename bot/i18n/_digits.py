"""One digit system per locale, for every number the bot writes.

The system of each locale is the CLDR default of its language (Persian and
Pashto ``arabext`` ۱۲۳, Sorani ``arab`` ١٢٣, Bengali ``beng``, most others
``latn``); a deployer changes it with ``MARHABA_DIGITS=fa:latn,ps:arab``.
Counts, dates, times, percentages, option numbers and the digits inside
translated texts all follow it, except numbers someone must type or dial
exactly as written: phone numbers, links, e-mail addresses and anything in a
bidi isolate (an address, a name).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from babel import Locale, UnknownLocaleError

from bot.errors import ConfigError

ZEROS = {
    "latn": "0", "arab": "\u0660", "arabext": "\u06f0", "beng": "\u09e6", "deva": "\u0966",
    "mymr": "\u1040", "thai": "\u0e50", "khmr": "\u17e0", "tibt": "\u0f20",
}
"""The zero of each supported decimal digit system; the other nine digits follow it in Unicode."""

_ANY_DIGIT = {ord(zero) + i: i for zero in ZEROS.values() for i in range(10)}
_TABLES = {name: {cp: chr(ord(zero) + value) for cp, value in _ANY_DIGIT.items()} for name, zero in ZEROS.items()}

ARABIC_PERCENT = "\u066a"
"""٪, the percent sign written with Arabic-script digits."""

# Kept as written: isolated fragments, links, e-mail addresses, phone numbers (7+ digits), ticket numbers.
_PROTECTED = re.compile(
    r"[\u2066\u2067\u2068][^\u2069]*\u2069"
    r"|\S+://\S+|\S+@\S+\.\S+"
    r"|\+?\d[\d \-\u00a0]{5,}\d"
    r"|#\d+|[A-Za-z]+\d\w*|\d+[A-Za-z]\w*"
)


OWN_DEFAULTS = {"bn": "latn"}
"""Where Marhaba's default differs from CLDR's. Bengali: phones and messages in Bangladesh mostly
write 123, and the content's addresses and codes (14 Harbour Street, A1) stay 123, so ১২৩ would mix
two systems in one message. A deployer may choose ``bn:beng`` (MARHABA_DIGITS)."""


def default_system(locale: str) -> str:
    """Marhaba's default digit system of ``locale``: the CLDR default when supported, else ``latn``."""
    if locale in OWN_DEFAULTS:
        return OWN_DEFAULTS[locale]
    try:
        system = Locale.parse(locale).default_numbering_system
    except (UnknownLocaleError, ValueError):
        return "latn"
    return system if system in ZEROS else "latn"


def parse_policy(spec: str, known: Collection[str]) -> dict[str, str]:
    """``fa:latn,ps:arab`` -> ``{"fa": "latn", "ps": "arab"}``; a clear :class:`ConfigError` otherwise."""
    policy: dict[str, str] = {}
    for item in spec.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        locale, sep, system = (part.strip() for part in item.partition(":"))
        if not sep or not locale or not system:
            raise ConfigError(f"MARHABA_DIGITS: '{item}' must look like locale:system, e.g. fa:latn")
        if locale not in known:
            raise ConfigError(f"MARHABA_DIGITS: unknown locale '{locale}'; choose from: {', '.join(known)}")
        if system not in ZEROS:
            raise ConfigError(f"MARHABA_DIGITS: unknown digit system '{system}' for {locale}; "
                              f"choose from: {', '.join(ZEROS)}")
        policy[locale] = system
    return policy


def to_system(text: str, system: str) -> str:
    """Every decimal digit of ``text`` (of any supported system) written in ``system``."""
    return text.translate(_TABLES[system])


def localize_digits(text: str, system: str) -> str:
    """Like :func:`to_system`, but phone numbers, links, e-mails and isolated fragments keep their digits."""
    if not text:
        return text
    table = _TABLES[system]
    out, last = [], 0
    for match in _PROTECTED.finditer(text):
        out.append(text[last:match.start()].translate(table))
        out.append(match.group())
        last = match.end()
    out.append(text[last:].translate(table))
    return "".join(out)
