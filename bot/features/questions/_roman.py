"""Romanised Urdu, Arabic (Arabizi), Persian (Finglish) and Pashto matched against Arabic-script content.

People type these languages in Latin letters with no fixed spelling:
"mostashfa", "mustashfa" and "mstshfa" are all مستشفى, "3" is ع, "7" is ح,
"2" is a hamza or a Levantine ق. Vowels are where spellings differ most, and
Arabic script mostly does not write short vowels at all. So both sides are
reduced to a *consonant skeleton* in one shared alphabet: vowels (and ا و ي
inside a word) dropped, letters that romanisations mix up merged into one
class (ق ک گ غ and q k g gh; ث س ص and s; ذ ز ظ ض and z ...), doubled
letters collapsed. ``bukhar`` and بخار both become ``bxr``; ``khune`` (spoken
Persian for "house") and the catalog's خانه both become ``xn``.

The index adds each Arabic-script word's skeleton to its node; a Latin word
in a question to an Arabic-script locale is looked up by its skeleton. No
word list or model is needed: the romanised index follows the catalogs.
"""

from __future__ import annotations

from functools import lru_cache

MIN_SKELETON = 2
"""Shorter skeletons ("d" for دوا, "n" for عيان) match too many words to say anything."""

# After bot.i18n.normalize: ي stands for every yeh, ک for kaf, ه for heh and teh marbuta, ا for alef forms.
_ARABIC = {
    "ب": "b", "پ": "b", "ت": "t", "ط": "t", "ٹ": "t", "ټ": "t", "ث": "s", "س": "s", "ص": "s", "څ": "s",
    "ج": "j", "چ": "c", "ح": "h", "خ": "x", "د": "d", "ڈ": "d", "ډ": "d", "ذ": "z", "ز": "z", "ظ": "z",
    "ض": "z", "ژ": "z", "ږ": "z", "ځ": "z", "ر": "r", "ڑ": "r", "ړ": "r", "ش": "S", "ښ": "S", "ع": "",
    "غ": "k", "ق": "k", "ک": "k", "گ": "k", "ف": "f", "ل": "l", "م": "m", "ن": "n", "ں": "n", "ڼ": "n",
    "ء": "", "ا": "",
}
_LATIN_PAIRS = {"kh": "x", "gh": "k", "sh": "S", "ch": "c", "zh": "z", "th": "t", "dh": "z", "ph": "f",
                "ts": "s", "ck": "k", "q": "k", "g": "k", "c": "k", "p": "b", "3": "", "5": "x",
                "7": "h", "9": "k", "6": "t", "8": "k", "'": ""}
_LATIN_VOWELS = set("aeiou")


def _collapse(letters: list[str]) -> str:
    out: list[str] = []
    for ch in letters:
        if ch and (not out or out[-1] != ch):
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def arabic_skeleton(token: str) -> str:
    """The consonant skeleton of a normalized Arabic-script word ("" when it is too short to use)."""
    letters = []
    last = len(token) - 1
    for i, ch in enumerate(token):
        if ch in _ARABIC:
            letters.append(_ARABIC[ch])
        elif ch == "و":
            letters.append("w" if i == 0 else "")
        elif ch == "ي":
            letters.append("y" if i == 0 else "")
        elif ch == "ه":
            letters.append("" if i == last else "h")
        elif "\u0600" <= ch <= "\u06ff":
            letters.append("")
        else:
            return ""  # digits or Latin inside: not a word to romanise
    skeleton = _collapse(letters)
    return skeleton if len(skeleton) >= MIN_SKELETON else ""


@lru_cache(maxsize=1 << 16)
def latin_skeleton(token: str) -> str:
    """The consonant skeleton of a normalized Latin-letter word, as :func:`arabic_skeleton` writes it."""
    letters = []
    i = 0
    n = len(token)
    while i < n:
        pair = token[i:i + 2]
        if pair in _LATIN_PAIRS and len(pair) == 2:
            letters.append(_LATIN_PAIRS[pair])
            i += 2
            continue
        ch = token[i]
        if ch in _LATIN_VOWELS:
            letters.append("")
        elif ch == "2":
            letters.append("" if i == 0 else "k")  # a hamza at the start, a Levantine ق inside
        elif ch in ("w", "v"):
            letters.append("w" if i == 0 else "")
        elif ch == "y":
            letters.append("y" if i == 0 else "")
        elif ch == "h":
            letters.append("" if i == n - 1 else "h")
        elif ch in _LATIN_PAIRS:
            letters.append(_LATIN_PAIRS[ch])
        elif ch.isascii() and ch.isalpha():
            letters.append(ch)
        elif ch.isdigit():
            letters.append("")
        else:
            return ""
        i += 1
    skeleton = _collapse(letters)
    return skeleton if len(skeleton) >= MIN_SKELETON else ""


ARABIC_SCRIPT_LOCALES = ("ar", "fa", "ur", "ps")
"""Language families whose content is in Arabic script and is typed romanised by many."""


def is_latin_word(token: str) -> bool:
    """True for a word of Latin letters (Arabizi digits allowed), the kind romanised text is made of."""
    return token.isascii() and any(ch.isalpha() for ch in token)
