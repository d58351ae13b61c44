"""Locale negotiation from real client codes, and right-to-left layout of Latin fragments."""

from __future__ import annotations

import pytest

from bot.content import ContentTree
from bot.core import render_node
from bot.i18n import LOCALES, Catalogs, isolate_ltr, negotiate, negotiate_all, two_letter_code


@pytest.mark.parametrize(("code", "expected"), [
    ("fa-IR", "fa"), ("fa_IR", "fa"), ("FA", "fa"), ("fa-AF", "fa_AF"), ("prs", "fa_AF"), ("ar-SY", "ar"),
    ("ar", "ar"), ("ur-PK", "ur"), ("ps", "ps"), ("tr-TR", "tr"), ("fr-CA", "fr"), ("so", "so"), ("en-US", "en"),
    ("pt-br", None), ("xx", None), ("", None), (None, None), ("-", None), ("zh-Hant-TW", None), ("a" * 500, None),
    # The six languages of issue #15, as their clients send them.
    ("ku", "kmr"), ("ku-TR", "kmr"), ("ku_SY", "kmr"), ("kmr", "kmr"), ("KMR-TR", "kmr"), ("ku-Latn-IQ", "kmr"),
    ("ckb", "ckb"), ("ckb-IQ", "ckb"), ("ckb_IR", "ckb"), ("ku-IQ", "ckb"), ("ku-Arab", "ckb"), ("ku-IR", "ckb"),
    ("ru-RU", "ru"), ("ru", "ru"), ("rus", "ru"), ("uk-UA", "uk"), ("ukr", "uk"), ("bn-BD", "bn"), ("bn-IN", "bn"),
    ("ti-ER", "ti"), ("ti_ET", "ti"), ("tir", "ti"),
    ("tg", "ru"), ("tg-TJ", "ru"),  # Tajik is written in Cyrillic: Russian, not Perso-Arabic Persian
])
def test_negotiate_real_client_codes(code: str | None, expected: str | None) -> None:
    assert negotiate(code) == expected


def test_latin_fragments_are_isolated_in_right_to_left_text(sample_tree: ContentTree, catalogs: Catalogs) -> None:
    node = next(n for n in sample_tree if n.details and n.details.phone)
    arabic = render_node(sample_tree, node, catalogs.get("ar"), set())
    english = render_node(sample_tree, node, catalogs.get("en"), set())
    assert isolate_ltr(node.details.phone, True) in arabic.text
    assert "\u2066" not in english.text, "left-to-right text needs no isolates"
    assert arabic.rtl and not english.rtl


@pytest.mark.parametrize(("hint", "expected"), [
    ("ar,ckb,kmr", ["ar", "ckb", "kmr"]), ("uk-UA, ru;q=0.8", ["uk", "ru"]), ("xx,ti-ER,ti", ["ti"]),
    ("", []), (None, []), (",,,", []),
])
def test_a_list_of_hints_names_every_shipped_locale_in_order(hint: str | None, expected: list[str]) -> None:
    assert negotiate_all(hint) == expected
    assert negotiate(hint) == (expected[0] if expected else None)


def test_every_locale_negotiates_to_itself_and_babel_knows_it(catalogs: Catalogs) -> None:
    for code in LOCALES:
        assert negotiate(code) == code
        assert catalogs.get(code).babel_locale.language  # Babel parses kmr, ckb, ti too
    assert {c: two_letter_code(c) for c in ("kmr", "ckb", "ru", "fa_AF")} == {
        "kmr": "ku", "ckb": None, "ru": "ru", "fa_AF": None}
