"""From a question and the user's locale to ranked matches, in the language the question is written in."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from bot.features.questions._detect import FUNCTION_WORDS, detect
from bot.features.questions._index import Match, QuestionIndex
from bot.i18n import tokens

CONFIDENT = 0.4
"""A best match that explains at least this share of the question is answered directly. Measured
with bench/bench_questions.py: 94% of right top matches are above it, 4 of 6 wrong ones and
off-topic questions ("what is the weather tomorrow": 0.15) below."""

SWITCH_MIN_WORDS = 3
"""A question of fewer words is too short to say it is in another language ("madad", "help me")."""

SWITCH_MIN_SCRIPT_SHARE = 0.9
"""Letters of one script at least: mixed-script input ("help me 帮助 مساعدة помощь") never switches."""

SWITCH_MIN_KNOWN = 0.6
"""At least this share of the question's words must be words of the other language's content."""


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


def _one_script(text: str) -> bool:
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "?").split(" ")[0]
            counts[name] = counts.get(name, 0) + 1
    total = sum(counts.values())
    return not total or max(counts.values()) >= SWITCH_MIN_SCRIPT_SHARE * total


def _known_share(index: QuestionIndex, question: str, locale: str) -> float:
    words = tokens(question)
    known = index.locale(locale).idf
    return sum(1 for w in words if "w" + w in known or w in FUNCTION_WORDS) / len(words) if words else 0.0


def rank(index: QuestionIndex, question: str, locale: str, limit: int = 5) -> Ranking:
    """Search the user's ``locale``, and the language the question is written in when it is clearly another.

    Clear means: detection is sure of the other language, or the question's
    script is not the user's language's at all (an Arabic-script question from
    an English user); the question has a few words, one script, mostly words
    of the other language's content; and that content answers it with
    confidence, better than the user's own. Otherwise the user's own language
    answers, also when it can only say "not sure".
    """
    own = Ranking(locale, tuple(index.search(question, locale, limit)))
    found = detect(question)
    if found.romanised or not _one_script(question) or len(tokens(question)) < SWITCH_MIN_WORDS:
        return own  # romanised, mixed-script or short: the user's own language, never a guess
    if found.language is not None:
        others = [found.language] if found.language != _family(locale) else []
    elif _family(locale) not in found.candidates:
        others = list(found.candidates)
    else:
        others = []
    best = own
    for other in others:
        ranking = Ranking(other, tuple(index.search(question, other, limit)))
        if not ranking.confident or _known_share(index, question, other) < SWITCH_MIN_KNOWN:
            continue
        current = best.best.confidence if best.best else 0.0
        if ranking.best is not None and ranking.best.confidence > current:
            best = ranking
    return best
