"""Text helpers every channel shares: splitting long text within a platform's limit."""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"(?<=[.!?؟۔。])\s+")

Measure = Callable[[str], int]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: how Telegram counts message and entity lengths."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, length: Measure = len) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` (as measured by ``length``).

    Splits on paragraph boundaries first, then sentences, then words; a word
    longer than the limit is cut. Nothing is lost except whitespace at the cuts.
    ``length`` defaults to counting code points; pass :func:`utf16_length`
    for platforms that count UTF-16 code units.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if length(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for sep, chunk in _pieces(text, limit, length):
        candidate = f"{current}{sep}{chunk}" if current else chunk
        if length(candidate) <= limit:
            current = candidate
        else:
            if current:
                parts.append(current)
            current = chunk
    if current:
        parts.append(current)
    return parts


def _cut(word: str, limit: int, length: Measure) -> tuple[str, str]:
    """The longest head of ``word`` that fits ``limit``, and the rest (at least one character moves)."""
    end = min(len(word), limit)
    while end > 1 and length(word[:end]) > limit:
        end -= 1
    return word[:end], word[end:]


def _pieces(text: str, limit: int, length: Measure) -> list[tuple[str, str]]:
    """(separator, piece) pairs, each piece no longer than ``limit``."""
    out: list[tuple[str, str]] = []
    for p_index, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        sep = "\n\n" if p_index else ""
        if length(paragraph) <= limit:
            out.append((sep, paragraph))
            continue
        for s_index, sentence in enumerate(_SENTENCE_END.split(paragraph)):
            s_sep = sep if s_index == 0 else " "
            if length(sentence) <= limit:
                out.append((s_sep, sentence))
                continue
            for w_index, word in enumerate(sentence.split(" ")):
                w_sep = s_sep if w_index == 0 else " "
                while length(word) > limit:
                    head, word = _cut(word, limit, length)
                    out.append((w_sep, head))
                    w_sep = ""
                if word:
                    out.append((w_sep, word))
    return out
