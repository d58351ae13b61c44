"""One digit system per locale: the CLDR default, or what the deployer chose in ``MARHABA_DIGITS``."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.errors import ConfigError
from bot.i18n import LOCALES, Catalogs
from bot.i18n._digits import default_system, localize_digits, parse_policy
from bot.settings import Settings
from tests.conftest import PROJECT


def test_each_locale_has_its_default_digit_system(catalogs: Catalogs) -> None:
    assert {code: catalogs.get(code).digits for code in LOCALES} == {
        "en": "latn", "ar": "latn", "fa": "arabext", "fa_AF": "arabext", "ps": "arabext", "ur": "latn",
        "tr": "latn", "fr": "latn", "so": "latn",
        # The six added later take the CLDR default of their language (Sorani ١٢٣), but Bengali 123.
        "kmr": "latn", "ckb": "arab", "ru": "latn", "uk": "latn", "bn": "latn", "ti": "latn"}
    assert (default_system("ckb"), default_system("bn"), default_system("ru")) == ("arab", "latn", "latn")


def test_counts_percentages_dates_and_times_follow_the_system(catalogs: Catalogs) -> None:
    fa, ps, ar, ur = (catalogs.get(c) for c in ("fa", "ps", "ar", "ur"))
    assert fa.number(1234) == "۱٬۲۳۴"
    assert fa.percent(0.45) == "۴۵٪" and ps.percent(0.45) == "۴۵٪"
    assert ar.percent(0.45) == "45%" and ur.percent(0.45) == "45%"
    assert fa.date(date(2027, 3, 9), "full") == "سه\u200cشنبه ۹ مارس ۲۰۲۷"
    assert fa.time(time(18, 0)) == "۱۸:۰۰"
    # Pashto dates: Pashto digits and the Arabic comma, never "9, مارچ, 2027".
    assert ps.date(date(2027, 3, 9), "full") == "سه شنبه ۹، مارچ، ۲۰۲۷"
    assert ur.date(date(2027, 3, 9), "full") == "منگل، 9 مارچ، 2027"


def test_a_deployer_changes_the_digits_of_a_locale() -> None:
    settings = Settings.from_env({"MARHABA_DIGITS": "fa:latn, ps:arab,ar:arab", "HOME": "/nonexistent"})
    assert settings.digits == {"fa": "latn", "ps": "arab", "ar": "arab"}
    catalogs = Catalogs(PROJECT / "locales", settings.digits)
    fa, dari, ps, ar = (catalogs.get(c) for c in ("fa", "fa_AF", "ps", "ar"))
    assert (fa.number(1234), fa.percent(0.45), fa.date(date(2027, 3, 9))) == ("1,234", "45%", "9 مارس 2027")
    assert dari.digits == "latn", "Dari follows Persian unless it has a choice of its own"
    assert ps.number(12) == "١٢" and ps.percent(0.45) == "٤٥٪"
    assert ar.number(2027) == "٢٬٠٢٧" and ar.time(time(18, 0)) == "٦:٠٠ م"


@pytest.mark.parametrize(("spec", "message"), [
    ("fa", "must look like locale:system"), ("xx:latn", "unknown locale 'xx'"), ("fa:roman", "unknown digit system"),
])
def test_a_wrong_digit_setting_is_a_clear_error(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_policy(spec, LOCALES)
    with pytest.raises(ConfigError, match="MARHABA_DIGITS"):
        Settings.from_env({"MARHABA_DIGITS": spec, "HOME": "/nonexistent"})


def test_translated_texts_follow_the_system_but_numbers_to_dial_or_type_do_not(catalogs: Catalogs) -> None:
    assert localize_digits("کلاس‌ها 9:30 تا 12:00", "arabext") == "کلاس‌ها ۹:۳۰ تا ۱۲:۰۰"
    assert localize_digits("کلاس‌ها ۹:۳۰", "latn") == "کلاس‌ها 9:30"
    kept = "تلفن +90 212 555 0145، https://example.org/a1، a@b.org، سطح A1، \u206821 River Road\u2069، #12"
    assert localize_digits(kept, "arabext") == kept
