"""Reaction feedback in the real SQLite store: what counts, and how briefly a message's page is kept."""

from __future__ import annotations

import time

import pytest

from bot.app import FEATURES
from bot.features.feedback import PageFeedback, reaction_value
from bot.features.privacy import purge, rules_of
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.store import data


@pytest.mark.parametrize(("emoji", "value"), [
    ("👍", 1), ("👍🏿", 1), ("❤️", 1), ("❤", 1), ("🙏🏽", 1), ("👎", -1), ("👎🏻", -1), ("😂", 0), ("", 0),
])
def test_which_reactions_count(emoji: str, value: int) -> None:
    assert reaction_value(emoji) == value


async def test_a_messages_page_is_kept_three_days_then_purged(store: SQLiteStore) -> None:
    feedback = PageFeedback(store)
    old = time.time() - 4 * 86_400
    await feedback.shown("whatsapp", "4915112345678", [("wamid.old", "jobs", "fa")], now=old)
    await feedback.shown("whatsapp", "4915112345678", [("wamid.new", "jobs", "fa")])
    assert await feedback.react("whatsapp", "4915112345678", "wamid.old", "👍") is False  # too old to count
    assert await feedback.react("whatsapp", "4915112345678", "wamid.new", "👍") is True
    done = await purge(store, Settings.from_env({"MARHABA_ENV_FILE": ""}), rules=rules_of(FEATURES))
    assert done["pages of sent messages (for reactions)"] == 1
    rows = await data.rows(store, "page_messages", "node_id, sent_at")
    assert [(node, sent_at > old + 1) for node, sent_at in rows] == [("jobs", True)]
    assert [(s.node_id, s.positive) for s in await feedback.scores()] == [("jobs", 1)], "the counts stay"
