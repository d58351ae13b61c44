"""Fixtures: engines with the questions feature installed, with and without a staff chat."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels.telegram import TelegramChannel, TelegramSettings
from bot.content import ContentTree
from bot.core import Engine
from bot.features.questions import FEATURE, QuestionFeature
from bot.i18n import Catalogs
from bot.settings import Settings
from bot.store import SQLiteStore
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import FakeBotAPI
from tests.conftest import Chat, make_engine

STAFF_CHAT = -1001234567890
"""The staff group's Telegram chat id in these tests."""


def settings(**env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", **env})


@pytest.fixture
async def qengine(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Engine:
    """An engine with the feature and no staff configured."""
    engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    engine.add_feature(FEATURE, settings())
    return engine


@pytest.fixture
async def staffed(sample_tree: ContentTree, catalogs: Catalogs, store: SQLiteStore) -> Engine:
    """An engine with the feature and a Telegram staff chat (no channel running)."""
    engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    engine.add_feature(FEATURE, settings(MARHABA_STAFF_CHAT=str(STAFF_CHAT)))
    return engine


async def english(engine: Engine, user_id: str = "u1", channel: str = "test") -> Chat:
    """A user of ``engine`` who chose English."""
    chat = Chat(engine, user_id, channel)
    await chat.payload("lang:en")
    return chat


def feature_of(engine: Engine) -> QuestionFeature:
    feature = engine.payloads["q"].__self__  # type: ignore[attr-defined]
    assert isinstance(feature, QuestionFeature)
    return feature


@pytest.fixture
def fake_api() -> Iterator[FakeBotAPI]:
    api = FakeBotAPI().start()
    yield api
    api.stop()


@pytest.fixture
async def telegram_staffed(fake_api: FakeBotAPI, sample_tree: ContentTree, catalogs: Catalogs,
                           store: SQLiteStore) -> AsyncIterator[Harness]:
    """The real Telegram channel against the fake Bot API, on an engine with a staff chat."""
    env = telegram_settings(fake_api, MARHABA_STAFF_CHAT=str(STAFF_CHAT))
    engine = make_engine(content=sample_tree, catalogs=catalogs, store=store)
    engine.add_feature(FEATURE, env)
    channel = TelegramChannel(TelegramSettings.from_settings(env), engine, WebServer("127.0.0.1", 0))
    harness = Harness(fake_api, channel)
    await channel.start()
    yield harness
    await channel.stop()
