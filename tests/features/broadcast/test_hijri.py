"""The tabular Hijri calendar: known dates and the round trip."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features.broadcast import format_hijri, from_hijri, to_hijri
from bot.i18n import Catalogs


@pytest.mark.parametrize(("gregorian", "hijri"), [
    (date(622, 7, 19), (1, 1, 1)),        # the epoch: 16 July 622 Julian
    (date(2000, 1, 1), (1420, 9, 24)),
    (date(2023, 3, 23), (1444, 9, 1)),    # 1 Ramadan 1444
    (date(2026, 2, 18), (1447, 9, 1)),    # 1 Ramadan 1447
    (date(2026, 11, 23), (1448, 6, 12)),
])
def test_known_dates(gregorian: date, hijri: tuple[int, int, int]) -> None:
    assert to_hijri(gregorian) == hijri
    assert from_hijri(*hijri) == gregorian


@given(st.dates(min_value=date(622, 7, 19), max_value=date(2200, 1, 1)))
def test_round_trip_and_month_lengths(day: date) -> None:
    year, month, d = to_hijri(day)
    assert 1 <= month <= 12 and 1 <= d <= 30
    assert from_hijri(year, month, d) == day


def test_format_uses_the_locale_and_no_digit_grouping(catalogs: Catalogs) -> None:
    assert format_hijri(date(2026, 2, 18), catalogs.get("en")) == "1 Ramadan 1447 AH"
    assert "1447" in format_hijri(date(2026, 2, 18), catalogs.get("fr"))
