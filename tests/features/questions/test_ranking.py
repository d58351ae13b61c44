"""Ranking on the sample content, in each language, and rebuilding with the content."""

from __future__ import annotations

import pytest

from bot.content import ContentTree
from bot.core import Engine
from bot.features.questions import QuestionIndex, rank
from bot.i18n import Catalogs
from tests.features.questions.conftest import feature_of


@pytest.fixture(scope="module")
def index(sample_tree: ContentTree, catalogs: Catalogs) -> QuestionIndex:
    return QuestionIndex(sample_tree, catalogs)


@pytest.mark.parametrize(("locale", "question", "topic"), [
    ("en", "my child needs a vaccine", "health"),
    ("en", "where do i learn turkish", "language-classes"),
    ("en", "the landlord keeps my deposit", "housing"),
    ("en", "hospitl neer me", "health"),  # typos
    ("ar", "بدي اتعلم تركي", "language-classes"),
    ("ar", "وين المستشفى", "health"),
    ("ar", "ابحث عن شغل", "jobs"),
    ("fa", "ميخواهم زبان ياد بگيرم", "language-classes"),  # Arabic-keyboard ي, no ZWNJ
    ("fa", "داکتر", "health"),  # Dari
    ("ur", "مجھے نوکری چاہیے", "jobs"),
    ("ur", "ہسپتال", "health"),
    ("tr", "turkce kursu", "language-classes"),  # no Turkish letters
    ("tr", "avukata ihtiyacım var", "legal"),
    ("fr", "cherche un logement", "housing"),
    ("fr", "hopital", "health"),
    # The six new languages (questions unlike the content's own examples and the benchmark's).
    ("ru", "ищу квартиру в аренду", "housing"),
    ("ru", "где учат турецкий язык", "language-classes"),
    ("uk", "шукаю роботу", "jobs"),
    ("uk", "у дитини температура", "health"),
    ("kmr", "ez li xaniyekî digerim", "housing"),
    ("kmr", "parêzer lazim e", "legal"),
    ("ckb", "دەمەوێت زمانی تورکی فێربم", "language-classes"),
    ("ckb", "نەخۆشخانە", "health"),
    ("bn", "আমি চাকরি খুঁজছি", "jobs"),
    ("bn", "হাসপাতাল", "health"),
    ("ti", "ሓኪም", "health"),
    ("ti", "ገዛ ብኽራይ", "housing"),
])
def test_questions_land_on_the_right_topic(index: QuestionIndex, locale: str, question: str, topic: str) -> None:
    ranking = rank(index, question, locale)
    assert ranking.best is not None and ranking.best.topic == topic
    assert ranking.confident


def test_scores_are_ordered_and_nonsense_is_not_confident(index: QuestionIndex) -> None:
    ranking = rank(index, "qwzx plorb vintage synthesizer", "en")
    assert not ranking.confident
    scores = [m.score for m in rank(index, "doctor", "en").matches]
    assert scores == sorted(scores, reverse=True)


def test_a_question_in_another_language_is_ranked_in_that_language(index: QuestionIndex) -> None:
    ranking = rank(index, "أين أجد طبيب", "en")
    assert ranking.locale == "ar" and ranking.best is not None and ranking.best.topic == "health"
    # Dari for a Persian user is the same language: no switch.
    assert rank(index, "دنبال کار هستم", "fa_AF").locale == "fa_AF"


def test_example_questions_of_the_language_are_indexed(index: QuestionIndex, sample_tree: ContentTree) -> None:
    node = sample_tree.nodes["health-card"]
    for question in node.questions["tr"]:
        assert rank(index, question, "tr").best.node in {"health-card", "health"}


async def test_index_rebuilds_when_content_or_catalogs_are_swapped(
        qengine: Engine, sample_tree: ContentTree, tmp_path) -> None:
    feature = feature_of(qengine)
    first = feature.index()
    assert feature.index() is first
    nodes = dict(sample_tree.nodes)
    clinic = nodes["health-migrant-clinic"]
    from dataclasses import replace
    nodes["health-migrant-clinic"] = replace(clinic, questions={"en": ("zanzibar dentist",)})
    qengine.content = ContentTree(nodes, sample_tree.source_dir)
    assert feature.index() is not first
    assert rank(feature.index(), "zanzibar dentist", "en").best.node == "health-migrant-clinic"
    assert rank(first, "zanzibar dentist", "en").best is None or \
        rank(first, "zanzibar dentist", "en").best.node != "health-migrant-clinic"
    rebuilt = feature.index()
    qengine.catalogs = Catalogs(qengine.catalogs.directory)
    assert feature.index() is not rebuilt


@pytest.mark.parametrize(("question", "locale"), [
    ("мне нужен врач", "ru"), ("мені потрібен лікар", "uk"), ("ez nexweş im", "kmr"), ("من نەخۆشم پێویستم بە دکتۆرە", "ckb"),
    ("আমি অসুস্থ, ডাক্তার দরকার", "bn"), ("ሓሚመ ኣለኹ ሓኪም የድልየኒ", "ti"),
])
def test_a_question_in_a_new_language_is_ranked_in_that_language(index: QuestionIndex, question: str,
                                                                  locale: str) -> None:
    ranking = rank(index, question, "en")
    assert ranking.locale == locale and ranking.best is not None and ranking.best.topic == "health"


def test_every_locale_has_example_questions_and_an_index(index: QuestionIndex, sample_tree: ContentTree) -> None:
    from bot.i18n import LOCALES

    for code in LOCALES:
        if code == "fa_AF":
            continue  # Dari reads the Persian examples
        assert sample_tree.nodes["health"].questions.get(code), f"no example questions in {code}"
        assert len(index.locale(code)) == len(sample_tree) - 1
