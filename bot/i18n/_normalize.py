"""Text normalization for matching typed words in every served language.

The same function runs over the content when the index is built, over a
newcomer's question and over typed command words, so that spelling variants meet: Unicode NFKC and case
folding; one form for the Arabic-script letters that Arabic, Persian, Urdu
and Pashto write differently (ي/ی/ى, ك/ک, ة/ه/ہ/ۃ, alef and hamza forms),
and Sorani's own letters (ە ێ ۆ ڵ ڕ) as the letters other keyboards give;
no diacritics, tatweel or zero-width joiners; Persian, Arabic-Indic and
Bengali digits as ASCII digits; Latin accents dropped (``medecin`` finds ``médecin``,
``sigortasi`` finds ``sigortası``).
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = str.maketrans({
    # Yeh and alef maksura: Arabic ي and ى, Persian/Urdu ی, Urdu ے written for ی by many keyboards.
    "ى": "ي", "ی": "ي", "ے": "ي", "ې": "ي", "ۍ": "ي", "ئ": "ي",
    # Kaf and gaf: Arabic ك, Persian/Urdu ک; Pashto ګ and Persian گ.
    "ك": "ک", "ګ": "گ",
    # Heh and teh marbuta: Arabic ة, Urdu ہ and ۃ (heh goal), ھ (do-chashmi, in Urdu aspirates), ۀ.
    "ة": "ه", "ہ": "ه", "ۃ": "ه", "ھ": "ه", "ۀ": "ه", "ۂ": "ه",
    # Alef and hamza forms (NFKC keeps them composed).
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ؤ": "و",
    # Sorani letters, which people on Arabic or Persian keyboards write with the nearest letter.
    "ە": "ه", "ێ": "ي", "ۆ": "و", "ڵ": "ل", "ڕ": "ر", "ڤ": "ف",
    # Arabic-script punctuation, read as spaces.
    "؟": " ", "،": " ", "؛": " ", "۔": " ", "٪": "%",
    # Dotless i: Turkish ı written as i on most foreign keyboards.
    "ı": "i",
})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹০১২৩৪৫৬৭৮৯", "012345678901234567890123456789")
# Tatweel, zero-width non-joiner/joiner, direction marks and soft hyphen: invisible in text.
_INVISIBLE = dict.fromkeys(map(ord, "\u0640\u200b\u200c\u200d\u200e\u200f\u00ad\u2060\ufeff"), None)
# Bengali vowel signs are combining marks, which ``\w`` leaves out: a word is letters and its signs.
_TOKEN = re.compile(r"(?:[^\W_]|[\u0981-\u09e3])+")


def _strip_marks(text: str) -> str:
    # Combining marks: Arabic harakat, shadda, sukun, superscript alef, Quranic signs, Latin accents.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """``text`` folded to the form the index compares: see the module docstring."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_INVISIBLE).translate(_DIGITS).translate(_LETTERS)
    text = _strip_marks(text)
    # NFD splits hamza-carrying letters into a base and a combining hamza: map the bases again.
    return unicodedata.normalize("NFC", text).translate(_LETTERS)


def tokens(text: str) -> list[str]:
    """The words of ``text`` after :func:`normalize`, letters and digits only."""
    return _TOKEN.findall(normalize(text))
