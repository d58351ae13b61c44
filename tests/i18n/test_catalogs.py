"""Catalogs: shipped, complete where promised, compiled, and falling back to English, never to ids."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import CONTENT_DOMAIN, LOCALES, UI_DOMAIN, Catalogs, content_context
from tests.conftest import PROJECT

LOCALES_DIR = PROJECT / "locales"
SHIPPED = ["ar", "fa", "ps", "ur", "tr", "fr", "so", "kmr", "ckb", "ru", "uk", "bn", "ti"]
"""Catalogs this tree must hold."""
FULLY_TRANSLATED = ["ar", "fa", "ur", "tr", "fr", "kmr", "ckb", "ru", "uk", "bn", "ti"]
NEW_LANGUAGES = ["kmr", "ckb", "ru", "uk", "bn", "ti"]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalog(locale: str, domain: str):
    with (LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def po_files() -> list[Path]:
    return sorted(LOCALES_DIR.glob("*/LC_MESSAGES/*.po"))


def present_locales() -> list[str]:
    """Every locale with a catalog folder in this tree."""
    return sorted({p.parent.parent.name for p in po_files()})


def test_catalogs_ship_for_every_locale() -> None:
    present = set(present_locales())
    assert set(SHIPPED) <= present
    assert present <= set(LOCALES) - {"en"}, "every catalog folder is a registered locale"
    for code in present:
        assert {p.name for p in (LOCALES_DIR / code / "LC_MESSAGES").glob("*.po")} == {"ui.po", "content.po"}, code


def test_fifteen_languages_five_right_to_left() -> None:
    languages = {code.partition("_")[0] for code in LOCALES}  # Dari is a form of Persian
    assert len(LOCALES) == 15 and set(NEW_LANGUAGES) <= set(LOCALES)
    assert {code for code in languages if LOCALES[code].rtl} == {"ar", "fa", "ps", "ur", "ckb"}
    assert len({info.native_name for info in LOCALES.values()}) == 15, "each language has its own name"


@pytest.mark.parametrize("locale", [c for c in NEW_LANGUAGES if c in present_locales()] or ["ru"])
def test_new_languages_are_complete_and_plural_forms_fit_the_language(locale: str) -> None:
    from babel import Locale
    from babel.messages.plurals import get_plural

    for domain in (UI_DOMAIN, CONTENT_DOMAIN):
        cat = catalog(locale, domain)
        missing = [m.id for m in cat if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple)
                                                                    else m.string))]
        assert not missing, f"{locale}/{domain}: not translated {missing[:5]}"
        # The catalog's plural rule is CLDR's, as Babel knows it (ru/uk: 1, 2-4, 5+; kmr, ckb, bn, ti: two forms).
        expected = get_plural(locale)
        assert (cat.num_plurals, cat.plural_expr) == (expected.num_plurals, expected.plural_expr), locale
    assert Locale.parse(locale).get_display_name(locale), "Babel knows the language by its own name"


@pytest.mark.parametrize("po", po_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_po_file_passes_msgfmt_check(po: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("locale", FULLY_TRANSLATED)
@pytest.mark.parametrize("domain", [UI_DOMAIN, CONTENT_DOMAIN])
def test_promised_locales_are_fully_translated(locale: str, domain: str) -> None:
    cat = catalog(locale, domain)
    untranslated = [m.id for m in cat if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not untranslated, f"{locale}/{domain}: untranslated {untranslated[:5]}"
    assert not fuzzy, f"{locale}/{domain}: fuzzy {fuzzy[:5]}"


@pytest.mark.parametrize("locale", present_locales())
@pytest.mark.parametrize("domain", [UI_DOMAIN, CONTENT_DOMAIN])
def test_translations_keep_placeholders_and_short_titles(locale: str, domain: str) -> None:
    for msg in catalog(locale, domain):
        if not msg.id:
            continue
        sources = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        expected = set(PLACEHOLDER.findall(sources[-1]))
        for s in strings:
            if s:
                assert set(PLACEHOLDER.findall(s)) == expected, f"{locale}: {msg.id!r} -> {s!r}"
        if msg.context and msg.context.endswith(".short_title") and strings[0]:
            assert len(strings[0]) <= 20, f"{locale}: {msg.context} is {len(strings[0])} characters"


@pytest.mark.parametrize("po", po_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_compiled_catalogs_are_up_to_date(po: Path) -> None:
    with po.open("rb") as fh:
        source = read_po(fh)
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = read_mo(fh)
    def key(m):
        return (m.context, m.id if isinstance(m.id, str) else tuple(m.id))

    def value(m):
        return m.string if isinstance(m.string, str) else tuple(m.string)

    expected = {key(m): value(m) for m in source if m.id and m.string and not m.fuzzy
                and (all(m.string) if isinstance(m.string, tuple | list) else True)}
    got = {key(m): value(m) for m in compiled if m.id}
    assert got == expected, "run `python -c 'from bot.i18n._workflow import *'` compile: the .mo is stale"


def test_fuzzy_and_missing_translations_fall_back_to_english(tmp_path: Path) -> None:
    target = tmp_path / "ar" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "ui.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Main menu"\nmsgstr "قائمة قديمة"\n\n'
        'msgid "Back"\nmsgstr ""\n\n'
        'msgid "Mark as done"\nmsgstr "تم"\n', encoding="utf-8")
    (target / "content.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgctxt "health.title"\nmsgid "Health"\nmsgstr "صحة قديمة"\n', encoding="utf-8")
    for domain in ("ui", "content"):
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-d", str(tmp_path), "-D", domain],
                       check=True, capture_output=True)
    t = Catalogs(tmp_path).get("ar")
    assert t.gettext("Main menu") == "Main menu", "a fuzzy (stale) translation is not shown"
    assert t.gettext("Back") == "Back", "a missing translation shows the English source"
    assert t.gettext("Mark as done") == "تم"
    assert t.content(content_context("health", "title"), "Health") == "Health"


def test_dari_reads_the_persian_catalog(catalogs: Catalogs) -> None:
    assert catalogs.get("fa_AF").gettext("Main menu") == catalogs.get("fa").gettext("Main menu") != "Main menu"


def test_numbers_and_dates_are_formatted_in_the_locale(catalogs: Catalogs) -> None:
    from datetime import date

    assert catalogs.get("en").number(1234567) == "1,234,567"
    assert catalogs.get("fr").number(1234567) != "1,234,567"
    assert catalogs.get("fa").number(12) == "۱۲", "Persian uses Persian digits"
    assert "Kasım" in catalogs.get("tr").date(date(2026, 11, 28))
    assert "نوفمبر" in catalogs.get("ar").date(date(2026, 11, 28))


def test_pybabel_extract_uses_the_content_extractor(tmp_path: Path) -> None:
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent))
    assert pybabel, "pybabel is installed with Babel"
    out = tmp_path / "content.pot"
    subprocess.run([pybabel, "extract", "-F", "locales/babel-content.cfg", "-o", str(out), "."],
                   cwd=PROJECT, check=True, capture_output=True)
    with out.open("rb") as fh:
        extracted = {(m.context, m.id) for m in read_po(fh) if m.id}
    assert ("health.title", "Health") in extracted
    assert any(ctx and ctx.endswith(".body") for ctx, _ in extracted)
    assert any(ctx and ctx.endswith(".hours") for ctx, _ in extracted)


@pytest.mark.parametrize(("locale", "counts"), [("ru", {1: 0, 3: 1, 5: 2, 11: 2, 21: 0, 24: 1}),
                                                ("uk", {1: 0, 2: 1, 7: 2, 12: 2, 22: 1})])
def test_slavic_plurals_pick_the_form_of_each_count(catalogs: Catalogs, locale: str, counts: dict[int, int]) -> None:
    cat = catalog(locale, UI_DOMAIN)
    forms = cat["{done} of {total} step done"].string
    assert len(set(forms)) == 3 or forms[1] == forms[2], "one / few / many"
    t = catalogs.get(locale)
    for n, form in counts.items():
        assert t.ngettext("{done} of {total} step done", "{done} of {total} steps done", n) == forms[form], n


@pytest.mark.parametrize("locale", present_locales())
def test_the_more_languages_row_fits_a_whatsapp_list_row(catalogs: Catalogs, locale: str) -> None:
    from bot.channels.whatsapp._render import MAX_ROW_TITLE_CHARS

    label = "🌐 " + catalogs.get(locale).gettext("More languages") + " (2/2)"
    assert len(label) <= MAX_ROW_TITLE_CHARS, f"{locale}: {label!r} would be cut"
