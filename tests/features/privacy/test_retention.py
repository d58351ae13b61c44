"""Retention: inactive users and old unanswered questions are deleted, by the daily job or from cron."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import FEATURES
from bot.core import Engine, Feature
from bot.errors import ConfigError
from bot.features import privacy
from bot.features.privacy import RetentionRule, purge, retention_job, rules_of
from bot.settings import Settings
from bot.store import SQLiteStore
from tests.features.privacy.test_privacy import user_refs
from tests.store import data

RULES = rules_of(FEATURES)

DAY = 86_400


def settings(**env: str) -> Settings:
    return Settings.from_env({"MARHABA_ENV_FILE": "", **env})


async def user_last_seen(store: SQLiteStore, user_id: str, days_ago: float) -> int:
    user = await store.get_or_create_user("test", user_id)
    await store.record_visit(user.id, "health")
    await store.set_step(user.id, "health", True)
    await data.update(store, "users", {"last_seen": time.time() - days_ago * DAY}, where={"id": user.id})
    return user.id


async def test_users_inactive_longer_than_the_setting_are_deleted_with_everything_about_them(
        store: SQLiteStore, db_path: Path) -> None:
    old = await user_last_seen(store, "old", 40)
    recent = await user_last_seen(store, "recent", 10)
    done = await purge(store, settings(MARHABA_RETENTION_DAYS="30"), rules=RULES)
    assert done["inactive users"] == 1
    assert await store.get_user("test", "old") is None and sum(user_refs(db_path, old).values()) == 0
    assert await store.get_user("test", "recent") is not None and user_refs(db_path, recent)["visits"] == 1


async def test_default_keeps_a_year_and_zero_keeps_for_ever(store: SQLiteStore) -> None:
    await user_last_seen(store, "months", 200)
    await user_last_seen(store, "years", 400)
    assert (await purge(store, settings(), rules=RULES))["inactive users"] == 1
    assert await store.get_user("test", "months") is not None
    await user_last_seen(store, "ancient", 4000)
    assert "inactive users" not in await purge(store, settings(MARHABA_RETENTION_DAYS="0"), rules=RULES)
    assert await store.get_user("test", "ancient") is not None


async def test_a_malformed_setting_deletes_nothing(store: SQLiteStore) -> None:
    await user_last_seen(store, "old", 400)
    with pytest.raises(ConfigError, match="MARHABA_QUESTION_RETENTION_DAYS"):
        await purge(store, settings(MARHABA_RETENTION_DAYS="1", MARHABA_QUESTION_RETENTION_DAYS="a month"), rules=RULES)
    assert await store.get_user("test", "old") is not None


async def test_old_unanswered_questions_are_purged_and_a_missing_table_is_no_error(store: SQLiteStore) -> None:
    now = time.time()
    user = await store.get_or_create_user("test", "asker")
    await data.insert(store, "unanswered_questions", *(
        {"question_key": key, "locale": "en", "user_id": user.id, "question": key, "count": 1, "first_at": at,
         "last_at": at} for key, at in (("old", now - 10 * DAY), ("new", now - DAY))))
    await purge(store, settings(MARHABA_QUESTION_RETENTION_DAYS="7"), rules=RULES)
    assert await data.rows(store, "unanswered_questions", "question") == [("new",)]
    await data.drop_table(store, "unanswered_questions")  # a database without the questions feature
    assert (await purge(store, settings(), rules=RULES))["unanswered questions"] == 0


async def test_features_can_register_their_own_rules(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []

    async def rule(s: SQLiteStore, older_than_seconds: float, now: float) -> int:
        seen.append(older_than_seconds)
        return 2

    events = Feature("events", retention=(RetentionRule("old events", "MARHABA_BROADCAST_RETENTION_DAYS", 30, rule),))
    rules = rules_of((*FEATURES, events))
    assert (await purge(store, settings(MARHABA_BROADCAST_RETENTION_DAYS="90"), rules=rules))["old events"] == 2
    assert seen == [90 * DAY]
    unread = Feature("events", retention=(RetentionRule("new events", "MARHABA_EVENT_RETENTION_DAYS", 90, rule),))
    with pytest.raises(ValueError, match="add MARHABA_EVENT_RETENTION_DAYS to bot.settings"):
        rules_of((*FEATURES, unread))


async def test_marhaba_run_purges_on_start_and_daily(store: SQLiteStore) -> None:
    assert privacy.FEATURE in FEATURES  # its setup adds this job to what `marhaba run` starts
    days: asyncio.Queue[asyncio.Future[None]] = asyncio.Queue()

    async def a_day(seconds: float) -> None:  # the job's wait between purges: returns when the test says
        assert seconds == DAY
        passed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await days.put(passed)
        await passed

    await user_last_seen(store, "old", 400)
    task = asyncio.create_task(retention_job(Engine(None, None, store, features=(privacy.FEATURE,)),  # type: ignore[arg-type]
                                             settings(), sleep=a_day))
    try:
        first_night = await asyncio.wait_for(days.get(), 30)  # the purge at start is done
        assert await store.get_user("test", "old") is None
        await user_last_seen(store, "later", 400)  # someone else went quiet a year ago
        assert await store.get_user("test", "later") is not None
        first_night.set_result(None)  # a day passes
        await asyncio.wait_for(days.get(), 30)  # the second purge is done
        assert await store.get_user("test", "later") is None
    finally:
        task.cancel()


def test_marhaba_privacy_purge_for_cron(tmp_path: Path) -> None:
    db = tmp_path / "cron.db"

    async def fill() -> None:
        async with SQLiteStore(db) as s:
            await user_last_seen(s, "old", 100)  # type: ignore[arg-type]
            await user_last_seen(s, "new", 1)  # type: ignore[arg-type]

    asyncio.run(fill())
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARHABA_")}
    env.update(MARHABA_DB=str(db), MARHABA_ENV_FILE="", MARHABA_RETENTION_DAYS="30")
    result = subprocess.run([sys.executable, "-m", "bot", "privacy", "purge"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "inactive users: 1 deleted" in result.stdout and "unanswered questions: 0 deleted" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "bot", "privacy", "purge"], env={**env, "MARHABA_RETENTION_DAYS": "x"},
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "MARHABA_RETENTION_DAYS must be a number of days" in bad.stderr
