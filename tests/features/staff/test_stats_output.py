"""The statistics' four outputs (``marhaba stats``, ``--json``, ``--html`` and ``/stats``), pinned byte for byte
on a store seeded with every kind of figure at fixed times.

The expected files in ``stats_expected/`` were written by the report as it was before the features gave
their own figures (#18): the same data must give the same bytes however the figures are gathered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.app import FEATURES
from bot.content import ContentTree
from bot.features.feedback import FEEDBACK
from bot.features.questions import questions_of
from bot.features.safety._repository import SAFETY
from bot.features.staff import Stats, gather, html_report, text_report
from bot.features.staff._stats import chat_report
from bot.features.usage import count_active_users, record_handoff, record_question
from bot.i18n import Catalogs
from bot.store import SQLiteStore
from tests.store import data

EXPECTED = Path(__file__).parent / "stats_expected"
DAY = 86_400.0
NOW = 1_795_608_000.0  # Wednesday 2026-11-25 12:00 UTC: the weeks and "active" figures depend on it
GENERATED = NOW

# (channel, user, locale or None, days since last seen, pages opened, steps done)
PEOPLE = [
    ("telegram", "a", "ar", 1, ["health-card", "health-clinics"], ["health-card"]),
    ("telegram", "b", "ar", 3, ["health", "edu-school-enroll"], ["edu-school-enroll"]),
    ("whatsapp", "c", "fa", 10, ["health-card"], ["health-card"]),
    ("whatsapp", "d", "so", 20, [], []),
    ("telegram", "e", None, 40, ["edu-school-enroll"], []),
    ("telegram", "f", "en", 0, ["health-clinics", "edu-school-enroll"], ["culture-welcome-session"]),
]


async def seed(store: SQLiteStore) -> None:
    """Users, progress, questions, usage over three weeks, reactions and safety counts (no wall clock)."""
    for channel, user_id, locale, days, pages, steps in PEOPLE:
        user = await store.get_or_create_user(channel, user_id)
        if locale:
            await store.set_locale(user.id, locale)
        for page in pages:
            await store.record_visit(user.id, page)
        for step in steps:
            await store.set_step(user.id, step, True)
        await data.update(store, "users", {"last_seen": NOW - days * DAY}, where={"id": user.id})
    questions = questions_of(store)
    for user_id, text, locale in (("a", "x", "ar"), ("b", "y", "ar"), ("f", "z", "fa"), ("e", "w", "")):
        user = await store.get_or_create_user("telegram", user_id)
        await questions.record_unanswered(user.id, text, locale, now=NOW)
    for weeks_ago, counted in ((2, 3), (1, 4)):
        when = NOW - weeks_ago * 7 * DAY
        await data.update(store, "users", {"last_seen": when}, where={"channel": "whatsapp"})
        await count_active_users(store, now=when)
        for i in range(counted):
            await record_question(store, ["ar", "fa", "en"][i % 3], answered=i % 2 == 0, now=when)
    await data.update(store, "users", {"last_seen": NOW - 10 * DAY}, where={"channel_user_id": "c"})
    await data.update(store, "users", {"last_seen": NOW - 20 * DAY}, where={"channel_user_id": "d"})
    await count_active_users(store, now=NOW - DAY)
    await record_question(store, "ar", answered=False, now=NOW)
    for node in ("health-card", "health-card", "edu-school-enroll", "a-page-removed-since"):
        await record_handoff(store, node)
    feedback = store.repository(FEEDBACK)
    for key, node, locale, reaction in (("k1", "health-card", "ar", 1), ("k2", "health-card", "ar", 1),
                                        ("k3", "health-card", "fa", -1), ("k4", "a-page-removed-since", "en", 1),
                                        ("k5", "health-clinics", "ar", -1)):
        await feedback.shown([(key, node, locale)], NOW)
        page = await feedback.page(key, NOW - DAY)
        assert page is not None
        await feedback.react(key, page, reaction)
    safety = store.repository(SAFETY)
    for category, locale in (("self-harm", "ar"), ("self-harm", "en"), ("self-harm", "ar"), ("threats", "fa")):
        await safety.count(category, locale)


@pytest.fixture
async def seeded(store: SQLiteStore, sample_tree: ContentTree) -> Stats:
    await seed(store)
    return await gather(store, sample_tree, NOW, features=FEATURES)


def expected(name: str) -> str:
    return (EXPECTED / name).read_text(encoding="utf-8")


def test_the_text_report_is_unchanged(seeded: Stats) -> None:
    assert text_report(seeded) + "\n" == expected("report.txt")


def test_the_json_report_is_unchanged(seeded: Stats) -> None:
    assert json.dumps(seeded.as_dict(), ensure_ascii=False, indent=2) + "\n" == expected("report.json")


def test_the_html_report_is_unchanged(seeded: Stats) -> None:
    # The page says when it was made in local time: the expected file holds a placeholder for it.
    page = re.sub(r"Generated [^.]*\.", "Generated WHEN.", html_report(seeded, GENERATED), count=1)
    assert page == expected("report.html")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_chat_report_is_unchanged(seeded: Stats, catalogs: Catalogs, sample_tree: ContentTree,
                                      locale: str) -> None:
    assert chat_report(seeded, catalogs, locale, sample_tree) + "\n" == expected(f"chat.{locale}.txt")
