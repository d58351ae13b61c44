"""Fixtures: an engine with the questions and safety features, as `marhaba run` assembles it."""

from __future__ import annotations

import re

import pytest

from bot.channels import channel_profiles
from bot.content import ContentTree
from bot.core import Engine, Outgoing
from bot.features.questions import QuestionIndex
from bot.features.questions import install as install_questions
from bot.features.safety import install as install_safety
from bot.i18n import Catalogs, strip_bidi_controls
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.conftest import SAMPLE_CONTENT
from tests.features.staff.conftest import project_copy, staff_engine  # noqa: F401  (fixtures for test_reload)

CALLABLE = re.compile(r"^\+[1-9][0-9 ]{6,20}$")
"""A number in international form: both apps link it for a one-tap call."""


def settings(**env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", "MARHABA_CONTENT": str(SAMPLE_CONTENT), **env})


_INDEXES: dict[tuple[int, int], QuestionIndex] = {}


def install(engine: Engine, env: Settings) -> Engine:
    """Questions and safety on ``engine``; the question index of the shared sample tree is built once."""
    questions = install_questions(engine, env)
    key = (id(engine.content), id(engine.catalogs))
    if key not in _INDEXES:
        _INDEXES[key] = QuestionIndex(engine.content, engine.catalogs)
    questions._index = _INDEXES[key]
    install_safety(engine, env)
    return engine


@pytest.fixture
async def sengine(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Engine:
    """An engine with questions and safety, no staff configured."""
    return install(Engine(channels=channel_profiles(), content=sample_tree, catalogs=catalogs, store=store), settings())


def first_line(text: str) -> str:
    """The first line of a message as a person reads it (bidi isolates are invisible)."""
    return strip_bidi_controls(text).split("\n", 1)[0].strip()


def assert_leads_with_a_callable_number(messages: list[Outgoing], number: str) -> None:
    assert messages, "no reply"
    line = first_line(messages[0].full_text)
    assert line == number and CALLABLE.match(line), f"the reply starts with {line!r}, not the number {number}"
