"""The retrieval index: the content tree in each locale, searchable by free-text questions.

Each node is a document with weighted fields: the example questions staff
wrote for the language and the translated title count most, the translated
body least. Words are matched whole, by a light stem, and by character
trigrams (so typos and unknown inflections still match part of a word), and
ranked with BM25F. Building takes milliseconds; there is no training step, so
an index is simply rebuilt when the content or the catalogs are swapped.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.content import ROOT_ID, ContentTree, Node
from bot.features.questions._detect import FUNCTION_WORDS
from bot.features.questions._roman import (
    ARABIC_SCRIPT_LOCALES,
    arabic_skeleton,
    is_latin_word,
    latin_skeleton,
)
from bot.features.questions._variants import variants
from bot.i18n import DEFAULT_LOCALE, Catalogs, Translator, content_context, tokens

FIELD_WEIGHTS = {"questions": 3.0, "title": 2.5, "short_title": 1.5, "body": 1.0, "source": 1.0}
"""How much a word counts in each field: example questions and titles say what a node is about."""

WORD, STEM, GRAMS = 1.0, 0.6, 0.5
"""Weights of a whole-word match, a stem match, and all of a word's trigrams together."""

FUNCTION_WORD = 0.25
"""A question word or particle ("where", "کجاست", "nasil") counts this much of a content word."""

TOPIC_MIX = 0.3
"""A node's score gains this share of the best score of another node of its topic: several good
matches in one topic make it the more likely answer."""

K1, B = 1.2, 0.5
"""BM25 saturation and length normalization; B is low because example questions make nodes long."""

_ARABIC_PREFIXES = ("وال", "بال", "فال", "کال", "لل", "ال")
_ARABIC_SUFFIXES = ("هاي", "ها", "ات", "ين", "ون", "ان", "وں", "يں", "يه", "ي", "ه")
_LATIN_SUFFIXES = ("ing", "es", "ed", "s", "e", "x")
# Sorani's definite and plural endings (as normalized: ە is written ه).
_SORANI_SUFFIXES = ("هکان", "هکه", "هوه")
# Russian and Ukrainian case and verb endings, longest first (й and ї are folded to и and і).
_CYRILLIC_SUFFIXES = tuple(sorted((
    "ами", "ями", "ого", "его", "ому", "ему", "ими", "ыми", "ться", "тися", "ать", "ять", "ить", "ети",
    "ах", "ях", "ам", "ям", "ом", "ем", "ой", "ей", "ою", "ею", "ую", "юю", "ая", "яя", "ое", "ее", "ые", "ие",
    "ых", "их", "ов", "ев", "ів", "ти", "ть", "ся", "сь", "а", "я", "у", "ю", "ы", "и", "і", "е", "о",
), key=len, reverse=True))
_BENGALI_SUFFIXES = ("গুলো", "গুলি", "দের", "এর", "ের", "কে", "তে", "টি", "টা", "রা", "র")
_CYRILLIC_START, _CYRILLIC_END = "\u0400", "\u052f"
# Somali definite, possessive and subject endings (caafimaad-ka, ilma-hayga, shaqa-dayda, ilma-haygu), longest first.
_SOMALI_SUFFIXES = ("kayga", "gayga", "hayga", "tayda", "dayda", "kaygu", "gaygu", "haygu", "taydu", "daydu",
                    "kaaga", "gaaga", "haaga", "taada", "kiisa", "tiisa", "giisa", "kii", "gii", "tii", "dii",
                    "yga", "ygu", "ka", "ga", "ha", "ta", "da", "gu", "ku", "hu", "tu", "du")
STEM_CHARS = 5
"""A stem is at most this many characters: a light stand-in for stemmers most of our languages lack."""


@lru_cache(maxsize=1 << 16)
def stem(token: str) -> str:
    """A light stem: common Arabic-script, Cyrillic or Bengali affixes or Latin (English, French, Turkish,
    Somali) endings cut, then the first characters; a Latin stem also loses a final vowel."""
    if token.isascii():
        for suffix in (*_SOMALI_SUFFIXES, *_LATIN_SUFFIXES):
            if len(token) - len(suffix) >= 3 and token.endswith(suffix):
                token = token[: -len(suffix)]
                break
        token = token[:STEM_CHARS]
        # A final vowel changes with the ending in Somali (shaqo / shaqa-dayda, ilmo / ilma-ha): cut last.
        return token[:-1] if len(token) >= 4 and token[-1] in "aiou" else token
    elif _CYRILLIC_START <= token[0] <= _CYRILLIC_END:
        token = _cut_suffix(token, _CYRILLIC_SUFFIXES)
    elif "\u0980" <= token[0] <= "\u09ff":
        token = _cut_suffix(token, _BENGALI_SUFFIXES)
    else:
        token = _cut_suffix(token, _SORANI_SUFFIXES)
        for prefix in _ARABIC_PREFIXES:
            if len(token) - len(prefix) >= 3 and token.startswith(prefix):
                token = token[len(prefix):]
                break
        if len(token) >= 5 and token.startswith("مي"):
            token = token[2:]
        for suffix in _ARABIC_SUFFIXES:
            if len(token) - len(suffix) >= 3 and token.endswith(suffix):
                token = token[: -len(suffix)]
                break
    return token[:STEM_CHARS]


def _cut_suffix(token: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if len(token) - len(suffix) >= 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _grams(token: str) -> list[str]:
    padded = f"#{token}#"
    return [padded[i:i + 3] for i in range(len(padded) - 2)] if len(token) > 1 else []


@lru_cache(maxsize=1 << 16)
def token_features(token: str) -> dict[str, float]:
    """The weighted features of one normalized word: itself, its stem, its trigrams (shared: do not change it)."""
    scale = FUNCTION_WORD if token in FUNCTION_WORDS else 1.0
    out: dict[str, float] = {"w" + token: WORD * scale}
    s = stem(token)
    if s:
        out["s" + s] = out.get("s" + s, 0.0) + STEM * scale
    grams = _grams(token)
    for g in grams:
        key = "g" + g
        out[key] = out.get(key, 0.0) + GRAMS * scale / len(grams)
    return out


PAIR = 1.0
"""Two neighbouring words together ("health card", "oturma izni", "kaarka caafimaadka"): the whole question
decides between the senses of one word (a health card or a transport card, a work or a residence permit)."""
PAIR_FIELDS = ("questions", "title", "short_title", "source")


def pairs(words: list[str]) -> list[str]:
    """The features of neighbouring content words, by stem and in either order."""
    content = [stem(w) for w in words if w not in FUNCTION_WORDS and len(w) > 1]
    return ["p" + "_".join(sorted((a, b))) for a, b in zip(content, content[1:], strict=False) if a != b]


ROMAN, ROMAN_GRAMS = 0.8, 0.4
"""Weights of a romanised word's skeleton match, and of all its skeleton trigrams together."""

ROMAN_VARIANT_CHARS = 3
"""A romanised word stands for a dialect word of the same skeleton only from this length ("xdm" for خدمه)."""

KEY_WORD_EXPLAINED, UNEXPLAINED_KEY_WORD = 0.34, 0.6
"""When the rarest word of a question is unknown to the content and a node explains it less than this,
the node's coverage counts this much."""

UNKNOWN_WORD = 0.5
"""A word found nowhere in the locale's content is explained by shared letters at most this much."""

SOURCE = 0.7
"""An English word in a question to another locale ("job", "appointment") matching the English source."""


def roman_features(skeleton: str, scale: float = 1.0) -> dict[str, float]:
    """The features of a consonant skeleton (see :mod:`bot.features.questions._roman`)."""
    out = {"r" + skeleton: ROMAN * scale}
    grams = _grams(skeleton)
    for g in grams:
        out["k" + g] = out.get("k" + g, 0.0) + ROMAN_GRAMS * scale / len(grams)
    return out


def source_features(token: str) -> dict[str, float]:
    """The features of an English word of the source text, kept apart from the locale's own words."""
    return {"e" + token: SOURCE, "f" + stem(token): SOURCE * STEM}


@dataclass(frozen=True)
class Match:
    """A node that answers a question: its id, its top-level topic, the BM25F score, and confidence 0-1."""

    node: str
    topic: str
    score: float
    confidence: float


class LocaleIndex:
    """The searchable content of one locale."""

    def __init__(self, locale: str, docs: list[tuple[str, str, dict[str, list[str]]]]) -> None:
        self.locale = locale
        self.family = locale.partition("_")[0]
        self.romanised = self.family in ARABIC_SCRIPT_LOCALES
        self.variants = variants(self.family)
        # Dialect words typed in Latin letters ("khedma", "flous", "shafakhana") meet the table by skeleton.
        self.roman_variants = {sk: std for word, std in self.variants.items()
                               if len(sk := arabic_skeleton(word)) >= ROMAN_VARIANT_CHARS} if self.romanised else {}
        self.node_ids = [d[0] for d in docs]
        self.topics = [d[1] for d in docs]
        doc_tf: list[defaultdict[str, float]] = []
        lengths: list[float] = []
        for _, _, fields in docs:
            tf: defaultdict[str, float] = defaultdict(float)
            length = 0.0
            for name, words in fields.items():
                weight = FIELD_WEIGHTS[name]
                length += weight * len(words)
                for word in words:
                    features = source_features(word) if name == "source" else self.doc_features(word)
                    for f, w in features.items():
                        tf[f] += weight * w
                if name in PAIR_FIELDS:
                    for pair in pairs(words):
                        tf[pair] += weight * PAIR
            doc_tf.append(tf)
            lengths.append(length)
        n = len(docs)
        avg = (sum(lengths) / n) if n else 1.0
        df: Counter[str] = Counter()
        for tf in doc_tf:
            df.update(tf.keys())
        # A word used in many topics ("where", "how", "help") says little about which topic is meant:
        # its rarity among nodes is scaled down by its spread over topics.
        topic_df: dict[str, set[str]] = {}
        for tf, topic in zip(doc_tf, self.topics, strict=True):
            for f in tf:
                topic_df.setdefault(f, set()).add(topic)
        n_topics = len(set(self.topics)) or 1
        spread = math.log(1 + n_topics)
        self.idf = {f: math.log(1 + (n - d + 0.5) / (d + 0.5)) * math.log(1 + n_topics / len(topic_df[f])) / spread
                    for f, d in df.items()}
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, tf in enumerate(doc_tf):
            norm = K1 * (1 - B + B * lengths[i] / avg) if avg else K1
            for f, v in tf.items():
                self.postings.setdefault(f, []).append((i, self.idf[f] * v * (K1 + 1) / (v + norm)))
        self.features = [frozenset(tf) for tf in doc_tf]

    def __len__(self) -> int:
        return len(self.node_ids)

    def doc_features(self, word: str) -> dict[str, float]:
        """A content word's features: the word itself and, in Arabic script, its romanised skeleton."""
        features = token_features(word)
        if self.romanised and (skeleton := arabic_skeleton(word)):
            return {**features, **roman_features(skeleton)}
        return features

    def standard_forms(self, word: str) -> tuple[str, ...]:
        """The standard words a dialect word stands for, also when it is typed romanised."""
        forms = self.variants.get(word, ())
        if not forms and self.roman_variants and is_latin_word(word):
            forms = self.roman_variants.get(latin_skeleton(word), ())
        return forms

    def query_features(self, word: str) -> list[dict[str, float]]:
        """The ways a question's word can match: itself, its dialect's standard words, its romanised skeleton,
        an English source word."""
        ways = [token_features(word)]
        ways.extend(token_features(v) for v in self.standard_forms(word))
        if is_latin_word(word) and self.family != DEFAULT_LOCALE:
            ways.append(source_features(word))
            if self.romanised and (skeleton := latin_skeleton(word)):
                ways.append(roman_features(skeleton, FUNCTION_WORD if word in FUNCTION_WORDS else 1.0))
        return ways

    def search(self, question: str, limit: int = 5) -> list[Match]:
        """The best nodes for ``question``, best first; empty when nothing matches at all."""
        words = tokens(question)
        query: dict[str, float] = {}
        for word in words:
            for features in self.query_features(word):
                for f, w in features.items():
                    query[f] = query.get(f, 0.0) + w
        for pair in pairs(words):
            query[pair] = query.get(pair, 0.0) + PAIR
        scores: dict[int, float] = {}
        for f, qw in query.items():
            for doc, w in self.postings.get(f, ()):
                scores[doc] = scores.get(doc, 0.0) + qw * w
        best_of_topic: dict[str, list[float]] = {}
        for doc, score in scores.items():
            top = best_of_topic.setdefault(self.topics[doc], [0.0, 0.0])
            if score > top[0]:
                top[0], top[1] = score, top[0]
            elif score > top[1]:
                top[1] = score
        for doc, score in scores.items():
            top = best_of_topic[self.topics[doc]]
            scores[doc] = score + TOPIC_MIX * (top[1] if score >= top[0] else top[0])
        ranked = sorted(scores.items(), key=lambda item: -item[1])[:limit]
        out = []
        for rank, (doc, score) in enumerate(ranked):
            confidence = self.coverage(words, doc) if rank == 0 else 0.0
            out.append(Match(self.node_ids[doc], self.topics[doc], round(score, 4), round(confidence, 3)))
        return out

    def coverage(self, words: list[str], doc: int) -> float:
        """How much of the question the node explains, 0-1, each word weighted by its rarity."""
        have = self.features[doc]
        total = got = 0.0
        explained_by_word = []
        for word in dict.fromkeys(words):
            importance = self.importance(word)
            explained = max((self._explained(form, have) for form in (word, *self.standard_forms(word))),
                            default=0.0)
            if is_latin_word(word) and self.family != DEFAULT_LOCALE:
                if "e" + word in have:
                    explained = max(explained, SOURCE)
                elif self.romanised and (skeleton := latin_skeleton(word)) and "r" + skeleton in have:
                    explained = max(explained, ROMAN)
            known = self.knows(word)
            if not known:
                explained *= UNKNOWN_WORD  # "poeme", "iphone": only letters in common with the content
            total += importance
            got += importance * explained
            explained_by_word.append((importance, explained, known))
        # "will it rain tomorrow": the word that matters most is nowhere in the content.
        key = max(explained_by_word, key=lambda item: item[0], default=(0.0, 1.0, True))
        if key[1] < KEY_WORD_EXPLAINED and not key[2]:
            got *= UNEXPLAINED_KEY_WORD
        return min(1.0, got / total) if total else 0.0

    def knows(self, word: str) -> bool:
        """True when ``word`` (or its stem, skeleton or English form) occurs anywhere in this locale's content."""
        idf = self.idf
        if "w" + word in idf or "s" + stem(word) in idf or any("w" + v in idf for v in self.standard_forms(word)):
            return True
        if is_latin_word(word) and self.family != DEFAULT_LOCALE:
            skeleton = latin_skeleton(word) if self.romanised else ""
            return "e" + word in idf or bool(skeleton and "r" + skeleton in idf)
        return False

    def importance(self, word: str) -> float:
        """How much a question word says: its rarity in this locale (or any skeleton's), less for particles."""
        idf = self.idf.get("w" + word)
        if idf is None and is_latin_word(word) and self.romanised and (skeleton := latin_skeleton(word)):
            idf = self.idf.get("r" + skeleton)
        if idf is None:
            idf = self.idf.get("e" + word, self.max_idf)
        return idf * (FUNCTION_WORD if word in FUNCTION_WORDS else 1.0)

    @staticmethod
    def _explained(word: str, have: frozenset[str]) -> float:
        if "w" + word in have:
            return 1.0
        if "s" + stem(word) in have:
            return 0.8
        grams = _grams(word)
        return 0.6 * sum(1 for g in grams if "g" + g in have) / len(grams) if grams else 0.0


def _question_language(node: Node, locale: str) -> tuple[str, ...]:
    # A regional locale (fa_AF, Dari) has its own example questions and its language's (fa).
    family = locale.partition("_")[0]
    own = node.questions.get(locale, ()) if locale != family else ()
    return (*own, *node.questions.get(family, ()))


def _documents(content: ContentTree, t: Translator) -> list[tuple[str, str, dict[str, list[str]]]]:
    docs = []
    for node in content:
        if node.id == ROOT_ID:
            continue
        topic = content.topic_of(node.id)
        fields: dict[str, list[str]] = {
            "questions": [w for q in _question_language(node, t.locale) for w in tokens(q)],
            "title": tokens(t.content(content_context(node.id, "title"), node.title)),
            "short_title": tokens(t.content(content_context(node.id, "short_title"), node.short_title or "")),
            "body": tokens(t.content(content_context(node.id, "body"), node.body)),
        }
        if t.locale.partition("_")[0] != DEFAULT_LOCALE:
            # The English title and example questions: for English words in other languages ("job", "CV").
            fields["source"] = [w for text in (node.title, node.short_title or "", *node.questions.get("en", ()))
                                for w in tokens(text)]
        docs.append((node.id, topic.id if topic else node.id, fields))
    return docs


class QuestionIndex:
    """Every locale's index over one content tree and one set of catalogs, each built on first use."""

    def __init__(self, content: ContentTree, catalogs: Catalogs) -> None:
        self.content = content
        self.catalogs = catalogs
        self._locales: dict[str, LocaleIndex] = {}

    def locale(self, locale: str) -> LocaleIndex:
        """The index of ``locale`` (built now if this is its first question)."""
        index = self._locales.get(locale)
        if index is None:
            t = self.catalogs.get(locale)
            index = self._locales[t.locale] = LocaleIndex(t.locale, _documents(self.content, t))
        return index

    def load(self, locales: Iterable[str]) -> None:
        """Build the indexes of ``locales`` now (at start-up, or to measure memory)."""
        for code in locales:
            self.locale(code)

    def search(self, question: str, locale: str, limit: int = 5) -> list[Match]:
        return self.locale(locale).search(question, limit)
