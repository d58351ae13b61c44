"""Text helpers every channel shares: splitting long text within a platform's limit."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?؟۔。])\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` characters.

    Splits on paragraph boundaries first, then sentences, then words; a word
    longer than the limit is cut. Nothing is lost except whitespace at the cuts.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        sep = piece[0]
        chunk = piece[1]
        candidate = f"{current}{sep}{chunk}" if current else chunk
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                parts.append(current)
            current = chunk
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[tuple[str, str]]:
    """(separator, piece) pairs, each piece no longer than ``limit``."""
    out: list[tuple[str, str]] = []
    for p_index, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        sep = "\n\n" if p_index else ""
        if len(paragraph) <= limit:
            out.append((sep, paragraph))
            continue
        for s_index, sentence in enumerate(_SENTENCE_END.split(paragraph)):
            s_sep = sep if s_index == 0 else " "
            if len(sentence) <= limit:
                out.append((s_sep, sentence))
                continue
            for w_index, word in enumerate(sentence.split(" ")):
                w_sep = s_sep if w_index == 0 else " "
                while len(word) > limit:
                    out.append((w_sep, word[:limit]))
                    word, w_sep = word[limit:], ""
                if word:
                    out.append((w_sep, word))
    return out
