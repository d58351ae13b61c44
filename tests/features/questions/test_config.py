"""Handoff settings from the environment."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.app import open_engine
from bot.errors import ConfigError
from bot.features.privacy import purge, rules_of
from bot.features.questions import HandoffSettings
from bot.features.questions._store import questions_of
from bot.settings import DAY_SECONDS as DAY
from bot.settings import Settings
from tests.features.questions.conftest import english, settings


def test_staff_chat_staff_users_and_retention_are_parsed() -> None:
    hs = HandoffSettings.from_settings(settings(MARHABA_STAFF_CHAT="-100123", MARHABA_STAFF="whatsapp:4915",
                                                MARHABA_QUESTION_RETENTION_DAYS="7"), "telegram")
    assert hs.recipients() == [("telegram", "-100123"), ("whatsapp", "4915")]
    assert hs.retention_seconds == 7 * 86400 and hs.configured
    default = HandoffSettings.from_settings(settings())
    assert not default.configured and default.retention_seconds == 30 * 86400


def test_retention_zero_keeps_questions_for_ever_as_the_readme_says() -> None:
    assert HandoffSettings.from_settings(settings(MARHABA_QUESTION_RETENTION_DAYS="0")).retention_seconds is None


@pytest.mark.parametrize(("name", "value"), [
    ("MARHABA_STAFF_CHAT", "@staffgroup"), ("MARHABA_QUESTION_RETENTION_DAYS", "-1"),
    ("MARHABA_QUESTION_RETENTION_DAYS", "a month"),
])
def test_bad_values_are_one_line_errors(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        HandoffSettings.from_settings(settings(**{name: value}))


@pytest.mark.parametrize(("days", "kept"), [("0", True), ("1", False)])
async def test_retention_zero_starts_and_keeps_questions_for_ever(tmp_path: Path, days: str, kept: bool) -> None:
    env = {"MARHABA_ENV_FILE": "", "MARHABA_DB": str(tmp_path / "q.db"), "MARHABA_QUESTION_RETENTION_DAYS": days}
    parsed = Settings.from_env(env)
    async with open_engine(parsed) as engine:  # "0" refused to start before (#18 point 5)
        questions = questions_of(engine.store)
        asker = await engine.store.get_or_create_user("test", "asker")
        await questions.record_unanswered(asker.id, "where is the old library", "en", now=time.time() - 4000 * DAY)
        chat = await english(engine)
        await chat("qwzx blorp vint")  # an unanswered question: the feature purges old ones now
        await purge(engine.store, parsed, rules=rules_of(engine.features))  # and so does the daily retention job
        wordings = [q.question for q in await questions.unanswered()]
    assert ("where is the old library" in wordings) is kept
    assert "qwzx blorp vint" in wordings
