"""Locale negotiation from real client codes, and right-to-left layout of Latin fragments."""

from __future__ import annotations

import pytest

from bot.content import ContentTree
from bot.core import render_node
from bot.i18n import Catalogs, isolate_ltr, negotiate


@pytest.mark.parametrize(("code", "expected"), [
    ("fa-IR", "fa"), ("fa_IR", "fa"), ("FA", "fa"), ("fa-AF", "fa_AF"), ("prs", "fa_AF"), ("ar-SY", "ar"),
    ("ar", "ar"), ("ur-PK", "ur"), ("ps", "ps"), ("tr-TR", "tr"), ("fr-CA", "fr"), ("so", "so"), ("en-US", "en"),
    ("pt-br", None), ("xx", None), ("", None), (None, None), ("-", None), ("zh-Hant-TW", None), ("a" * 500, None),
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
