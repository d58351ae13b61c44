"""Offline language detection by script, distinctive letters and common words."""

from __future__ import annotations

import pytest

from bot.questions import detect


@pytest.mark.parametrize(("text", "language"), [
    ("زه ډاکټر ته اړتیا لرم", "ps"),
    ("مجھے نوکری چاہیے", "ur"),
    ("ہسپتال کہاں ہے", "ur"),
    ("پیدا کردن کار چطور است", "fa"),
    ("أين أجد مدرسة؟", "ar"),
    ("وين المستشفى", "ar"),
    ("İş arıyorum", "tr"),
    ("kiralik ev nerede bulabilirim", "tr"),
    ("Où est la pharmacie", "fr"),
    ("je cherche un logement", "fr"),
    ("where can I find a doctor", "en"),
    ("xaggee waxaan ka helaa dhakhtar", "so"),
])
def test_detects_the_language(text: str, language: str) -> None:
    assert detect(text).language == language


def test_an_unclear_arabic_script_word_names_candidates_not_a_guess() -> None:
    found = detect("بیمارستان")
    assert found.language is None
    assert {"fa", "ur"} <= set(found.candidates)


def test_no_letters_means_no_language() -> None:
    assert detect("112 !!! 😊") == detect("")
    assert detect("112").language is None and detect("112").candidates == ()
