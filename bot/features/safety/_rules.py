"""Safety rules: categories, their helplines and phrases, and matching a text against them.

A phrase is a few words. Each word may list alternatives with ``|`` and may
start or end with ``*`` (any beginning or ending: ``dov*`` finds ``dovuyor``,
``*ضرب*`` finds ``بيضربني``). The words must appear in the text in this
order, with at most :data:`MAX_GAP` other words between two of them. Both the
phrase and the text go through the questions' spelling normalization
(:func:`bot.features.questions.normalize`), so letter variants, diacritics,
elongation and Turkish dotless i meet; Arabizi digits (``3``, ``7``, ``2``)
are letters of the word and kept.

Matching is a few dictionary look-ups per word of the text, with no I/O,
so it runs on every typed message before flood control.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.features.questions import normalize

MAX_GAP = 3
"""Other words allowed between two words of a phrase ("my boss took my passport" for ``boss passport``)."""
MAX_TEXT_WORDS = 400
"""Only the first words of a long text are checked: a disclosure is not hidden after a page of text."""

CATEGORIES = (
    "domestic-violence",
    "sexual-violence",
    "self-harm",
    "trafficking",
    "child-protection",
    "threats",
    "medical",
)
"""The categories a rule may name; each has its own sentences in the reply (see ``_feature``)."""

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Slot:
    """One word of a phrase: exact forms, beginnings, endings and middles it accepts."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    infixes: tuple[str, ...] = ()

    def accepts(self, word: str) -> bool:
        return (word in self.exact or any(word.startswith(p) for p in self.prefixes)
                or any(word.endswith(s) for s in self.suffixes) or any(i in word for i in self.infixes))


@dataclass(frozen=True)
class Phrase:
    """A compiled phrase of one language (``ar``, or ``ar-latn`` for Arabizi)."""

    text: str
    lang: str
    category: str
    slots: tuple[Slot, ...]
    line: int = 0
    col: int = 0

    @property
    def locale(self) -> str:
        """The language to answer in: ``ar`` for ``ar`` and ``ar-latn``."""
        return self.lang.split("-", 1)[0]

    def matches(self, words: list[str]) -> bool:
        return _match_from(self.slots, words, 0, None)


def _match_from(slots: tuple[Slot, ...], words: list[str], start: int, limit: int | None) -> bool:
    first, rest = slots[0], slots[1:]
    end = len(words) if limit is None else min(len(words), limit)
    for i in range(start, end):
        if first.accepts(words[i]) and (not rest or _match_from(rest, words, i + 1, i + 2 + MAX_GAP)):
            return True
    return False


class PhraseError(ValueError):
    """A phrase that cannot be compiled; the message says how to fix it."""


def compile_phrase(text: str, lang: str, category: str, line: int = 0, col: int = 0) -> Phrase:
    """Compile ``text`` (see the module docstring) or raise :class:`PhraseError`."""
    slots: list[Slot] = []
    for raw in text.split():
        alternatives = raw.split("|")
        if len(alternatives) == 1 and "*" not in raw.strip("*"):
            # A plain word may normalize to several ("j'ai" -> "j", "ai"): each is a word of the phrase.
            words = _WORD.findall(normalize(raw.strip("*")))
            if not words:
                continue
            for n, word in enumerate(words):
                star_front = raw.startswith("*") and n == 0
                star_back = raw.endswith("*") and n == len(words) - 1
                slots.append(_slot([(word, star_front, star_back)]))
            continue
        parts = []
        for alt in alternatives:
            core = alt.strip("*")
            if "*" in core:
                raise PhraseError(f"'{alt}': '*' may stand only at the start or end of a word")
            words = _WORD.findall(normalize(core))
            if len(words) != 1:
                raise PhraseError(f"'{alt}': each alternative between '|' must be one word")
            parts.append((words[0], alt.startswith("*"), alt.endswith("*")))
        slots.append(_slot(parts))
    if not slots:
        raise PhraseError("the phrase has no words")
    if all(not s.exact and all(len(a) < 3 for a in (*s.prefixes, *s.suffixes, *s.infixes)) for s in slots):
        raise PhraseError("the phrase is too short to mean danger; write at least one whole word")
    return Phrase(text=text, lang=lang, category=category, slots=tuple(slots), line=line, col=col)


def _slot(parts: list[tuple[str, bool, bool]]) -> Slot:
    exact, prefixes, suffixes, infixes = set(), [], [], []
    for word, front, back in parts:
        if front and back:
            infixes.append(word)
        elif back:
            prefixes.append(word)
        elif front:
            suffixes.append(word)
        else:
            exact.add(word)
    return Slot(frozenset(exact), tuple(prefixes), tuple(suffixes), tuple(infixes))


@dataclass(frozen=True)
class Category:
    """One category: the page to show, the helplines to lead with, its phrases."""

    id: str
    page: str
    helplines: tuple[str, ...]
    phrases: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A text that matched: the category, the language to answer in, every category it matched,
    and the languages of the category's phrases that matched."""

    category: str
    locale: str
    categories: tuple[str, ...] = ()
    locales: tuple[str, ...] = ()


class _FirstWordIndex:
    """Phrases by what their first word accepts, so a text's word finds its candidates by look-ups."""

    def __init__(self, phrases: tuple[Phrase, ...]) -> None:
        self.order = {id(p): n for n, p in enumerate(phrases)}
        self.exact: dict[str, list[Phrase]] = {}
        self.prefix: dict[int, dict[str, list[Phrase]]] = {}
        self.suffix: dict[int, dict[str, list[Phrase]]] = {}
        self.infix: list[tuple[str, Phrase]] = []
        for p in phrases:
            first = p.slots[0]
            for w in first.exact:
                self.exact.setdefault(w, []).append(p)
            for w in first.prefixes:
                self.prefix.setdefault(len(w), {}).setdefault(w, []).append(p)
            for w in first.suffixes:
                self.suffix.setdefault(len(w), {}).setdefault(w, []).append(p)
            self.infix.extend((w, p) for w in first.infixes)

    def found(self, words: list[str]) -> list[Phrase]:
        """The phrases that match ``words``, in file order."""
        hits: dict[int, Phrase] = {}
        for i, word in enumerate(words):
            candidates = list(self.exact.get(word, ()))
            for length, table in self.prefix.items():
                candidates.extend(table.get(word[:length], ()) if len(word) >= length else ())
            for length, table in self.suffix.items():
                candidates.extend(table.get(word[-length:], ()) if len(word) >= length else ())
            candidates.extend(p for w, p in self.infix if w in word)
            for p in candidates:
                if id(p) not in hits and (len(p.slots) == 1 or _match_from(p.slots[1:], words, i + 1, i + 2 + MAX_GAP)):
                    hits[id(p)] = p
        return sorted(hits.values(), key=lambda p: self.order[id(p)])


@dataclass(frozen=True)
class SafetyRules:
    """The validated ``safety.yaml``: categories in file order, and every phrase compiled."""

    categories: dict[str, Category] = field(default_factory=dict)
    path: str = ""
    _index: _FirstWordIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _FirstWordIndex(self.phrases))

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return tuple(p for c in self.categories.values() for p in c.phrases)

    def matching(self, words: list[str]) -> list[Phrase]:
        """Every phrase that matches the normalized ``words``, in file order."""
        return self._index.found(words)

    def check(self, text: str, prefer: str | None = None) -> Hit | None:
        """The category ``text`` discloses, or ``None``.

        When phrases of several categories match, the one listed first in the
        file wins (staff order them: the gravest first). The answer language is
        ``prefer`` (the user's) when a phrase of that language matched, else
        the language of the first phrase that matched.
        """
        if not text:
            return None
        words = _WORD.findall(normalize(text))[:MAX_TEXT_WORDS]
        if not words:
            return None
        found = self._index.found(words)
        if not found:
            return None
        category = found[0].category
        locales = [p.locale for p in found if p.category == category]
        locale = prefer if prefer in locales else locales[0]
        return Hit(category=category, locale=locale, categories=tuple(dict.fromkeys(p.category for p in found)),
                   locales=tuple(dict.fromkeys(locales)))


EMPTY = SafetyRules()
