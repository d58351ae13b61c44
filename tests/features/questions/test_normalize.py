"""Normalization: the spellings a newcomer types meet the spellings in the content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features.questions import normalize, tokens


@pytest.mark.parametrize(("typed", "content"), [
    # Arabic: hamza forms, teh marbuta, alef maksura, diacritics, tatweel
    ("أحتاج", "احتاج"), ("إقامة", "اقامه"), ("آمن", "امن"), ("مستشفى", "مستشفي"),
    ("مَدْرَسَةٌ", "مدرسة"), ("طـــبيب", "طبيب"), ("مؤسسة", "موسسه"),
    # Arabic keyboard letters in Persian words, and Persian ZWNJ
    ("كار", "کار"), ("بيمارستان", "بیمارستان"), ("می‌خواهم", "میخواهم"),
    # Urdu heh goal and do-chashmi, yeh barree
    ("ہسپتال", "هسپتال"), ("مجھے", "مجهے"), ("چاہیے", "چاهيي"),
    # Persian and Arabic-Indic digits
    ("۱۱۲", "112"), ("١١٢", "112"),
    # Latin: case, accents, Turkish dotless and dotted i
    ("HÔPITAL", "hopital"), ("médecin", "medecin"), ("SİGORTA", "sigorta"), ("sığınma", "siginma"),
    ("Öğrenmek", "ogrenmek"),
    # Sorani letters typed on an Arabic or Persian keyboard; Bengali digits
    ("کوێ", "کوی"), ("نەخۆشخانە", "نهخوشخانه"), ("ڕێگە", "ریگه"), ("মোবাইল ১১২", "মোবাইল 112"),
    # Russian ё written as е
    ("Ёлка", "елка"),
    # Compatibility forms (NFKC): ligatures, full-width letters
    ("ﻻ", "لا"), ("ｄｏｃｔｏｒ", "doctor"),
])
def test_variants_normalize_alike(typed: str, content: str) -> None:
    assert normalize(typed) == normalize(content)


def test_tokens_split_on_punctuation_of_every_script() -> None:
    assert tokens("کجاست؟ أين،العيادة؛ Où est l'hôpital ?") == ["کجاست", "اين", "العياده", "ou", "est", "l", "hopital"]


@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


def test_bengali_words_keep_their_vowel_signs() -> None:
    # The vowel signs are combining marks: a word must not split at them.
    assert tokens("আমার ডাক্তার দরকার") == [normalize("আমার"), normalize("ডাক্তার"), normalize("দরকার")]
    assert len(tokens("হাসপাতাল কোথায়")) == 2


def test_geez_and_cyrillic_words_are_whole() -> None:
    assert tokens("ሓኪም የድልየኒ") == ["ሓኪም", "የድልየኒ"]
    assert tokens("Где БОЛЬНИЦА?") == ["где", "больница"]
