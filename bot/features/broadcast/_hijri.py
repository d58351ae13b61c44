"""The tabular Islamic (Hijri) calendar, by arithmetic: no dependency, no observation.

The civil tabular calendar (epoch 16 July 622 Julian, Friday; leap years
2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each 30-year cycle) can differ
by a day or two from the dates announced by moon sighting; it is shown beside
the Gregorian date as a guide, where a deployment enables it (``MARHABA_HIJRI=1``).
"""

from __future__ import annotations

from datetime import date

from bot.i18n import N_, Translator

EPOCH_JDN = 1948440
"""Julian day number of 1 Muharram 1 AH in the civil tabular calendar."""
_ORDINAL_TO_JDN = 1721425
"""``date.toordinal() + this`` is the Julian day number."""

MONTHS = (
    N_("Muharram"), N_("Safar"), N_("Rabi al-Awwal"), N_("Rabi al-Thani"), N_("Jumada al-Ula"),
    N_("Jumada al-Akhirah"), N_("Rajab"), N_("Shaban"), N_("Ramadan"), N_("Shawwal"),
    N_("Dhu al-Qadah"), N_("Dhu al-Hijjah"),
)
# TRANSLATORS: a Hijri date, e.g. "14 Ramadan 1448 AH"; keep {day}, {month} and {year}.
HIJRI_DATE = N_("{day} {month} {year} AH")


def to_hijri(day: date) -> tuple[int, int, int]:
    """(year, month, day) of ``day`` in the tabular Islamic calendar."""
    jdn = day.toordinal() + _ORDINAL_TO_JDN
    year = (30 * (jdn - EPOCH_JDN) + 10646) // 10631
    month = 1
    while month < 12 and jdn >= from_hijri_jdn(year, month + 1, 1):
        month += 1
    return year, month, jdn - from_hijri_jdn(year, month, 1) + 1


def from_hijri_jdn(year: int, month: int, day: int) -> int:
    """The Julian day number of a tabular Hijri date."""
    return day + -(-(59 * (month - 1)) // 2) + (year - 1) * 354 + (3 + 11 * year) // 30 + EPOCH_JDN - 1


def from_hijri(year: int, month: int, day: int) -> date:
    """The Gregorian date of a tabular Hijri date."""
    return date.fromordinal(from_hijri_jdn(year, month, day) - _ORDINAL_TO_JDN)


def format_hijri(day: date, t: Translator) -> str:
    """``day`` as a Hijri date in the translator's language and digits."""
    year, month, d = to_hijri(day)
    fmt = lambda n: t.numerals(str(n))  # noqa: E731  (a year is not grouped: 1448, not 1,448)
    return t.gettext(HIJRI_DATE).format(day=fmt(d), month=t.gettext(MONTHS[month - 1]), year=fmt(year))
