"""Offline language detection by script, distinctive letters and common words."""

from __future__ import annotations

import pytest

from bot.features.questions import detect


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
    ("Где найти работу?", "ru"),
    ("Мне нужен врач", "ru"),
    ("Де знайти лікаря?", "uk"),
    ("мені потрібна допомога", "uk"),
    ("আমি কাজ খুঁজছি", "bn"),
    ("ስራሕ እደሊ ኣለኹ", "ti"),
    ("کار لە کوێ دەدۆزمەوە", "ckb"),
    ("پێویستم بە یارمەتییە", "ckb"),
    ("Ez li kar digerim", "kmr"),
    ("li ku derê bijîşk heye", "kmr"),
    ("çawa dikarim ziman hîn bibim", "kmr"),
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


def test_kurmanji_and_french_share_letters_but_not_all() -> None:
    assert detect("j'ai besoin d'un médecin à côté").language == "fr", "é and à are French only"
    assert detect("pêwîst e").language == "kmr"


def test_a_cyrillic_question_without_telling_letters_names_both_languages() -> None:
    found = detect("банк")
    assert found.language is None and set(found.candidates) == {"ru", "uk"}


def test_sorani_is_not_taken_for_persian_or_arabic() -> None:
    assert detect("نەخۆشخانە لە کوێیە").language == "ckb"
    assert detect("بیمارستان کجاست").language == "fa"
    assert detect("أين المستشفى").language == "ar"
