"""Fixtures: the sample events, the events feature on the shared engine with a fixed clock, subscribers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.content import ContentTree
from bot.core import Engine
from bot.features.broadcast import (
    BroadcastRepository,
    BroadcastSettings,
    Events,
    EventsFeature,
    load_events,
    outbox_of,
)
from bot.store import SQLiteStore
from tests.channels.whatsapp.conftest import fake_graph  # noqa: F401 - the fake Graph API fixture
from tests.conftest import SAMPLE_CONTENT, Chat

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""A Monday, 12:00 in Example City (Europe/Istanbul, UTC+3)."""


@pytest.fixture(scope="session")
def sample_events(sample_tree: ContentTree) -> Events:
    return load_events(SAMPLE_CONTENT, sample_tree)


@pytest.fixture
def feature(engine: Engine, sample_events: Events) -> EventsFeature:
    feature = EventsFeature(engine, sample_events, BroadcastSettings(), now=lambda: NOW)
    engine.router.include(feature.router)
    return feature


@pytest.fixture
def outbox(store: SQLiteStore) -> BroadcastRepository:
    return outbox_of(store)


async def chat_in(engine: Engine, locale: str, user_id: str = "u1", channel: str = "test") -> Chat:
    """A user who has chosen ``locale``."""
    chat = Chat(engine, user_id, channel)
    await chat("/start")
    await chat.payload(f"lang:{locale}")
    return chat


async def add_subscribers(store: SQLiteStore, outbox: BroadcastRepository, channel: str, ids: list[str], topic: str,
                          locale: str = "en") -> list[int]:
    """Create users of ``channel`` with ``locale`` subscribed to ``topic``; their store ids."""
    out = []
    for user_id in ids:
        user = await store.get_or_create_user(channel, user_id)
        await store.set_locale(user.id, locale)
        await outbox.subscribe(user.id, topic)
        out.append(user.id)
    return out
from tests.features.staff.conftest import project_copy, staff_engine  # noqa: E402, F401  (fixtures for test_reload)
