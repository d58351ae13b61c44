"""End to end: the real python-telegram-bot Application against the fake Bot API over HTTP."""

from __future__ import annotations

import pytest

from tests.channels.telegram.conftest import Harness


@pytest.mark.parametrize(("language_code", "first_label", "locale"), [
    ("fa-IR", "✓ فارسی", "fa"),
    ("ar", "✓ العربية", "ar"),
    ("prs", "✓ دری", "fa_AF"),
    ("tr", "✓ Türkçe", "tr"),
    ("pt-br", "English", "en"),
])
async def test_start_preselects_the_users_language(telegram: Harness, language_code: str, first_label: str,
                                                    locale: str) -> None:
    user = telegram.user(5001, language_code)
    await user.send("/start")
    assert user.labels[0] == first_label
    assert [c.method for c in user.calls] == ["sendMessage"]
    await user.press_data(user.menu[0]["callback_data"])
    stored = await telegram.channel.engine.store.get_user("telegram", "5001")
    assert stored is not None and stored.locale == locale
