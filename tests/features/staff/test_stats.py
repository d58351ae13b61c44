"""Statistics: aggregates from a real database, the text, the HTML report and /stats."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentTree
from bot.core import Engine
from bot.features.staff import gather, html_report
from bot.store import SQLiteStore
from tests.conftest import Chat
from tests.features.staff.conftest import STAFF
from tests.store import data


async def visitor(engine: Engine, user: str, channel: str, lang: str, *pages: str) -> Chat:
    chat = Chat(engine, user_id=user, channel=channel)
    await chat("/start")
    await chat.payload(f"lang:{lang}")
    for page in pages:
        await chat.payload(page)
    return chat


@pytest.fixture
async def used(engine: Engine) -> Engine:
    await visitor(engine, "a", "telegram", "ar", "n:health-card", "step:health-card", "n:health-clinics")
    await visitor(engine, "b", "telegram", "ar", "n:health", "n:edu-school-enroll", "step:edu-school-enroll")
    await visitor(engine, "c", "whatsapp", "fa", "n:health-card", "step:health-card")
    await visitor(engine, "d", "whatsapp", "so")
    old = await engine.store.get_or_create_user("telegram", "e")  # seen 40 days ago, never chose a language
    assert isinstance(engine.store, SQLiteStore)
    await data.update(engine.store, "users", {"last_seen": time.time() - 40 * 86_400}, where={"id": old.id})
    return engine


async def test_gather_counts_people_not_clicks(used: Engine, sample_tree: ContentTree) -> None:
    assert isinstance(used.store, SQLiteStore)
    stats = await gather(used.store, sample_tree)
    assert stats.users == 5
    assert stats.by_locale == {"ar": 2, "fa": 1, "none": 1, "so": 1}
    assert stats.by_channel == {"telegram": 3, "whatsapp": 2}
    assert (stats.active_7, stats.active_30) == (4, 4)
    topics = {topic_id: n for topic_id, _, n in stats.topics}
    assert topics["health"] == 3  # a, b and c; a opened two health pages and counts once
    assert topics["education"] == 1
    assert stats.topics[0][0] == "health"
    steps = {step_id: n for step_id, _, n in stats.steps}
    assert steps["health-card"] == 2 and steps["edu-school-enroll"] == 1 and steps["culture-welcome-session"] == 0
    assert stats.unanswered == 0


async def test_unanswered_questions_are_counted_and_the_count_outlives_the_askers(
        used: Engine, sample_tree: ContentTree) -> None:
    from bot.features.questions import questions_of

    store = used.store
    assert isinstance(store, SQLiteStore)
    qs = questions_of(store)
    for user_id, question, locale in (("s1", "a", "ar"), ("s2", "b", "ar"), ("s1", "c", "fa")):
        user = await store.get_or_create_user("test", user_id)
        await qs.record_unanswered(user.id, question, locale)
    for user_id in ("s1", "s2"):
        user = await store.get_or_create_user("test", user_id)
        await store.forget(user.id)
    assert await qs.unanswered() == [], "their words went with them"
    # The counts name no one and hold no text: what was asked, by whom, is not kept for statistics.
    columns = set(await data.columns(store, "unanswered_counts"))
    assert columns == {"day", "locale", "count"}
    stats = await gather(store, sample_tree)
    assert stats.unanswered == 3
    assert stats.unanswered_by_locale == {"ar": 2, "fa": 1}
    page = html_report(stats)
    assert "Unanswered questions (3)" in page


async def test_marhaba_stats_writes_a_self_contained_html_report_with_charts(
        used: Engine, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    # The CLI runs its own event loop: call it from a thread, as from a shell beside the running bot.
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path), "--html", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3
    assert not re.search(r"""(src|href)\s*=|<script|<link|url\(""", page)  # nothing loaded from elsewhere
    assert "Users per language" in page and "Most visited topics" in page and "Checklist steps done" in page
    assert ">3</text>" in page  # three people opened Health
    for user_id in ("telegram:a", ">a<", "whatsapp:c"):
        assert user_id not in page
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path)]) == 0
    text = capsys.readouterr().out
    assert "Users: 5" in text and "Unanswered questions: 0" in text


def test_marhaba_stats_without_a_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--db", str(tmp_path / "missing.db")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


async def test_stats_command_for_staff(staff_engine: Engine) -> None:
    await visitor(staff_engine, "x", "telegram", "ar", "n:health-card")
    boss = await visitor(staff_engine, STAFF[1], STAFF[0], "en")
    await boss("/stats")
    assert "Users: 2." in boss.text
    assert "Languages: العربية 1, English 1" in boss.text
    assert "Health: 1" in boss.text


async def test_usage_over_time_not_sure_shares_handoff_pages_and_reactions(
        used: Engine, sample_tree: ContentTree, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.features import questions
    from bot.features.feedback import PageFeedback
    from bot.settings import Settings

    used.add_feature(questions.FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}))
    asker = Chat(used, user_id="a", channel="telegram")
    await asker("أين المستشفى")  # answered with a topic
    await asker("qwxz vbnm plkj")  # "not sure"
    await asker.payload("n:health-card")
    await asker.payload("n:concerns-talk-to-person")  # asks for a person from the health-card page
    assert isinstance(used.store, SQLiteStore)
    feedback = PageFeedback(used.store)
    await feedback.shown("telegram", "a", [("77", "health-card", "ar")])
    await feedback.react("telegram", "a", "77", "🙏")
    stats = await gather(used.store, sample_tree)
    [this_week] = stats.weeks
    assert this_week["questions"] == 2 and this_week["active_users"] == 4
    assert stats.not_sure_by_locale["ar"] == {"questions": 2, "not_sure": 1, "share": 0.5}
    assert stats.before_handoff == [("health-card", "Get a health card", 1)]
    assert stats.reactions == [{"node": "health-card", "title": "Get a health card", "locale": "ar",
                                "positive": 1, "negative": 0}]
    counts = [n for _, _, n in stats.steps]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2, "the checklist is sorted by count"
    page = html_report(stats)
    assert "Active people per week" in page and "Questions per week" in page and "Pages just before" in page
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["weeks"][-1]["questions"] == 2 and data["not_sure_by_locale"]["ar"]["share"] == 0.5
    assert await asyncio.to_thread(main, ["stats", "--db", str(db_path)]) == 0
    text = capsys.readouterr().out
    assert "no language chosen yet" in text and "Get a health card" in text.split("asking for a person:")[1]


async def test_past_weeks_keep_their_figures(used: Engine, sample_tree: ContentTree) -> None:
    from bot.features.usage import count_active_users, record_question, week_of

    assert isinstance(used.store, SQLiteStore)
    last_week = time.time() - 7 * 86_400
    await count_active_users(used.store, now=last_week)
    await record_question(used.store, "fa", answered=False, now=last_week)
    stats = await gather(used.store, sample_tree)
    assert [w["week"] for w in stats.weeks] == [week_of(last_week)[0], week_of(time.time())[0]]
    assert stats.weeks[0]["questions"] == 1 and stats.weeks[1]["questions"] == 0
