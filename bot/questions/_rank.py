"""From a question and the user's locale to ranked matches, in the language the question is written in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.questions._detect import detect
from bot.questions._index import Match, QuestionIndex

CONFIDENT = 0.4
"""A best match that explains at least this share of the question is answered directly. Measured
with bench/bench_questions.py: 94% of right top matches are above it, 4 of 6 wrong ones and
off-topic questions ("what is the weather tomorrow": 0.15) below."""

SWITCH_MARGIN = 0.1
"""When detection is unsure, another language's index must explain this much more of the question."""


@dataclass(frozen=True)
class Ranking:
    """The matches for a question (best first) and the locale whose content they come from."""

    locale: str
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def confident(self) -> bool:
        return self.best is not None and self.best.confidence >= CONFIDENT


def _family(locale: str) -> str:
    return locale.partition("_")[0]


def rank(index: QuestionIndex, question: str, locale: str, limit: int = 5) -> Ranking:
    """Search the user's ``locale``, and the language the question seems written in when it is another.

    The other language wins when detection is sure of it and its content
    explains the question better, or, when detection only narrows the script,
    when it explains the question clearly better.
    """
    own = Ranking(locale, tuple(index.search(question, locale, limit)))
    found = detect(question)
    if found.language is not None:
        others = [found.language] if found.language != _family(locale) else []
        margin = 0.0
    else:
        others = [c for c in found.candidates if c != _family(locale)]
        margin = SWITCH_MARGIN
        if _family(locale) not in found.candidates:
            margin = 0.0
    best = own
    for other in others:
        ranking = Ranking(other, tuple(index.search(question, other, limit)))
        if ranking.best is None:
            continue
        current = best.best.confidence if best.best else 0.0
        if ranking.best.confidence > current + (margin if best is own else 0.0):
            best = ranking
    return best
