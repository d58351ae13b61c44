"""Handoff settings from the environment."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.features.questions import HandoffSettings
from tests.features.questions.conftest import settings


def test_staff_chat_staff_users_and_retention_are_parsed() -> None:
    hs = HandoffSettings.from_settings(settings(MARHABA_STAFF_CHAT="-100123", MARHABA_STAFF="whatsapp:4915",
                                                MARHABA_QUESTION_RETENTION_DAYS="7"), "telegram")
    assert hs.recipients() == [("telegram", "-100123"), ("whatsapp", "4915")]
    assert hs.retention_seconds == 7 * 86400 and hs.configured
    default = HandoffSettings.from_settings(settings())
    assert not default.configured and default.retention_seconds == 30 * 86400


@pytest.mark.parametrize(("name", "value"), [
    ("MARHABA_STAFF_CHAT", "@staffgroup"), ("MARHABA_QUESTION_RETENTION_DAYS", "0"),
    ("MARHABA_QUESTION_RETENTION_DAYS", "a month"),
])
def test_bad_values_are_one_line_errors(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        HandoffSettings.from_settings(settings(**{name: value}))
