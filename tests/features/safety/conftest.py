"""Fixtures: an engine with the questions and safety features, as `marhaba run` assembles it."""

from __future__ import annotations

import re

import pytest

from bot.content import ContentTree
from bot.core import Engine, Outgoing
from bot.features import questions as questions_feature
from bot.features import safety
from bot.features.questions import QuestionFeature, QuestionIndex
from bot.i18n import Catalogs, strip_bidi_controls
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.conftest import SAMPLE_CONTENT, make_engine
from tests.features.staff.conftest import project_copy, staff_engine  # noqa: F401  (fixtures for test_reload)

CALLABLE = re.compile(r"^\+[1-9][0-9 ]{6,20}$")
"""A number in international form: both apps link it for a one-tap call."""


def settings(**env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_CONTENT": str(SAMPLE_CONTENT), **env})


_INDEXES: dict[tuple[int, int], QuestionIndex] = {}


def install(engine: Engine, env: Settings) -> Engine:
    """Questions and safety on ``engine``; the question index of the shared sample tree is built once."""
    questions = engine.add_feature(questions_feature.FEATURE, env)
    assert isinstance(questions, QuestionFeature)
    key = (id(engine.content), id(engine.catalogs))
    if key not in _INDEXES:
        _INDEXES[key] = QuestionIndex(engine.content, engine.catalogs)
    questions._index = _INDEXES[key]
    engine.add_feature(safety.FEATURE, env)
    return engine


@pytest.fixture
async def sengine(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Engine:
    """An engine with questions and safety, no staff configured."""
    return install(make_engine(content=sample_tree, catalogs=catalogs, store=store), settings())


def first_line(text: str) -> str:
    """The first line of a message as a person reads it (bidi isolates are invisible)."""
    return strip_bidi_controls(text).split("\n", 1)[0].strip()


def assert_leads_with_a_callable_number(messages: list[Outgoing], number: str) -> None:
    assert messages, "no reply"
    line = first_line(messages[0].full_text)
    assert line == number and CALLABLE.match(line), f"the reply starts with {line!r}, not the number {number}"
