"""Ranking on the sample content, in each language, and rebuilding with the content."""

from __future__ import annotations

import pytest

from bot.content import ContentTree
from bot.core import Engine
from bot.i18n import Catalogs
from bot.questions import QuestionIndex, question_index, rank
from tests.questions.conftest import feature_of


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
    first = question_index(qengine)
    assert question_index(qengine) is first
    feature = feature_of(qengine)
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
