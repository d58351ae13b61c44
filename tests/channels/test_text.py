"""The shared text splitter, measured in code points or in UTF-16 units (Telegram)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels._text import split_text, utf16_length

_text = st.lists(st.sampled_from([*"ab .\n", "🙂", "ع", "\n\n"]), max_size=200).map("".join)


@given(_text, st.integers(min_value=2, max_value=50))
def test_utf16_parts_fit_and_lose_only_whitespace(text: str, limit: int) -> None:
    parts = split_text(text, limit, utf16_length)
    assert all(0 < utf16_length(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_astral_characters_count_twice_for_telegram() -> None:
    text = "🙂" * 10
    assert utf16_length(text) == 20
    assert split_text(text, 10, utf16_length) == ["🙂" * 5, "🙂" * 5]
    assert split_text(text, 10) == [text]


def test_paragraphs_are_preferred_over_sentences() -> None:
    text = "One. Two.\n\nThree four."
    assert split_text(text, 12) == ["One. Two.", "Three four."]
