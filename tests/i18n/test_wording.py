"""Wording a native reader trusts: grammar with numbers and gender, reviewed terms, the brand, Dari words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core import MARK_DONE
from bot.features.broadcast._text import REMINDER, WHEN
from bot.i18n import LOCALES, Catalogs, negotiate
from tests.conftest import PROJECT
from tests.i18n.crawl import crawl

STEPS = ("{done} of {total} step done", "{done} of {total} steps done")


def msgstrs(locale: str) -> list[str]:
    found = []
    for po in (PROJECT / "locales" / locale / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id:
                    found += [s for s in (m.string if isinstance(m.string, tuple | list) else (m.string,)) if s]
    return found


def progress(t, done: int, total: int) -> str:
    return t.ngettext(*STEPS, total).format(done=t.number(done), total=t.number(total))


def test_arabic_counts_use_the_dual_and_the_plural(catalogs: Catalogs) -> None:
    ar = catalogs.get("ar")
    assert progress(ar, 0, 1) == "تم إنجاز 0 من خطوة واحدة"
    assert progress(ar, 1, 2) == "تم إنجاز 1 من خطوتين", "the dual needs no number: not «من 2 خطوتين»"
    assert progress(ar, 1, 3) == "تم إنجاز 1 من 3 خطوات"
    assert progress(ar, 1, 11) == "تم إنجاز 1 من 11 خطوة"
    texts = " ".join(msgstrs("ar"))
    assert "حوالي أسبوعين" in texts and "2 أسبوع" not in texts and "2 أمسية" not in texts


@pytest.mark.parametrize("title", ["درس لغة", "دورة اللغة", "زبان کی کلاس", "مفت طبی معائنہ", "Xafladda Ciidda",
                                   "Fasalka luqadda"])
def test_reminders_read_right_for_masculine_and_feminine_titles(catalogs: Catalogs, title: str) -> None:
    # One sentence for every title: no verb that agrees with the title's gender.
    assert catalogs.get("ar").gettext(REMINDER).format(title=title) == f"تذكير: {title} — الموعد قريب."
    assert catalogs.get("ur").gettext(REMINDER).format(title=title) == \
        f"یاد دہانی: {title} — شروع ہونے میں تھوڑا وقت باقی ہے۔"
    assert catalogs.get("so").gettext(REMINDER).format(title=title) == \
        f"Xusuusin: {title} — dhowaan ayaa la bilaabayaa."


def test_urdu_times_carry_no_second_hour_word(catalogs: Catalogs) -> None:
    from datetime import date, time

    ur = catalogs.get("ur")
    when = ur.gettext(WHEN).format(date=ur.date(date(2026, 11, 23), "full"), time=ur.time(time(18, 0)))
    assert when == "پیر، 23 نومبر، 2026، 6:00 PM" and "بجے" not in when


@pytest.mark.parametrize("language", [info.native_name for info in LOCALES.values()])
def test_the_turkish_switch_button_works_for_every_language_name(catalogs: Catalogs, language: str) -> None:
    assert catalogs.get("tr").gettext("Switch to {language}").format(language=language) == \
        f"Dili değiştir: {language}"


def test_native_reviewers_corrections() -> None:
    ar, fa, ps, fr, so, ur = (" ".join(msgstrs(c)) for c in ("ar", "fa", "ps", "fr", "so", "ur"))
    assert "مكتب المساعدة القانونية" in ar and "عيادة المساعدة القانونية" not in ar
    assert "تمام شدن اجازه اقامت" in fa and "اگر اجازه اقامت شما تمام شده" in fa
    assert "که ځان ته د زیان" in ps and "که د ځان ته د زیان" not in ps
    assert "vous n'avez aucune protection" in fr and "vous n'êtes pas protégé" not in fr
    assert "’" not in fr, "French uses one apostrophe"
    assert "Haddii ay jirto xaalad degdeg ah, hadda wac 112." in so
    assert not re.search(r"(?<!jirto )(?<!tahay )[Xx]aalad degdeg ah, (hadda )?wac 112", so)
    assert "waxaad liisankaaga dibadda baabuur ku wadi kartaa muddo 6 bilood ah oo keliya" in so
    assert "رہائشی اجازت نامے" not in ur and "انتخاب کریں" not in ur and "اختیارات" not in ur


@pytest.mark.parametrize(("locale", "done"), [("ps", "بشپړ مې کړ"), ("tr", "Yaptım"), ("fr", "C'est fait")])
def test_mark_as_done_says_what_a_person_says(catalogs: Catalogs, locale: str, done: str) -> None:
    assert catalogs.get(locale).gettext(MARK_DONE) == done


def test_somali_cancel_means_go_back(catalogs: Catalogs) -> None:
    assert catalogs.get("so").gettext("Cancel") == "Ka noqo"


async def test_french_users_can_type_plain_menu(engine) -> None:
    assert engine.keyword_command("menu") == "menu"
    assert "menu" in [w.strip() for w in engine.catalogs.get("fr").gettext("menu|main menu|home").split("|")]


@pytest.mark.parametrize("locale", [code for code in LOCALES if LOCALES[code].rtl])
def test_the_brand_is_written_in_the_script_of_each_right_to_left_locale(locale: str) -> None:
    own = [s for code in dict.fromkeys([locale, *LOCALES[locale].fallback]) for s in msgstrs(code)]
    assert not [s for s in own if "Marhaba" in s]
    brand = {"ckb": "مەرحەبا"}.get(locale, "مرحبا")  # Sorani spells it with its own vowels
    assert any(brand in s for s in own)


def test_somali_keeps_the_latin_brand() -> None:
    assert any("Marhaba" in s for s in msgstrs("so"))


IRANIAN = ("مدرسه", "دانشگاه", "بیمارستان", "پلیس", "گواهینامه", "داروخانه", "اجاره", "دکتر", "کارت شناسایی")
AFGHAN = ("مکتب", "پوهنتون", "شفاخانه", "پولیس", "لایسنس", "دواخانه", "کرایه", "داکتر", "تذکره")


async def test_dari_readers_get_afghan_words_and_persian_for_the_rest(tmp_path: Path, catalogs: Catalogs) -> None:
    pages = await crawl(tmp_path, ["fa", "fa_AF"])
    dari = "\n".join(m.full_text for m in pages["fa_AF"])
    persian = "\n".join(m.full_text for m in pages["fa"])
    for iranian, afghan in zip(IRANIAN, AFGHAN, strict=True):
        assert iranian in persian and not re.search(f"(?<![\u0600-\u06ff]){iranian}", dari), iranian
        assert afghan in dari, afghan
    # Everything without an Afghan word of its own is the Persian text.
    fa, dari_t = catalogs.get("fa"), catalogs.get("fa_AF")
    assert dari_t.gettext("Main menu") == fa.gettext("Main menu") != "Main menu"
    assert dari_t.content("health.title", "Health") == fa.content("health.title", "Health")
    assert dari_t.gettext("Address") == "آدرس" != fa.gettext("Address")


@pytest.mark.parametrize("code", ["tg", "tg-TJ", "tg_Cyrl"])
def test_tajik_readers_are_not_sent_to_perso_arabic_persian(code: str) -> None:
    # Tajik is written in Cyrillic: its readers get Russian, which most of them read, never fa.
    assert negotiate(code) == "ru"
