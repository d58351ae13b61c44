"""Telegram under random updates and forged callback data, through the real PTB Application and the fake Bot API."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import load_content
from tests.channels.telegram.conftest import Harness
from tests.channels.telegram.fake_botapi import callback_update, message_update
from tests.conftest import SAMPLE_CONTENT
from tests.hardening.conftest import hostile_text, integrity, payloads, sane_users

TREE = load_content(SAMPLE_CONTENT).tree
MAX_MESSAGE_UTF16 = 4096  # https://core.telegram.org/bots/api#sendmessage: 1-4096 characters
MAX_CALLBACK_BYTES = 64  # https://core.telegram.org/bots/api#inlinekeyboardbutton: 1-64 bytes

user_ids = st.sampled_from([7001, 7002]) | st.integers(1, 2**52)
languages = st.none() | st.sampled_from(["en", "ar", "fa-IR", "prs", "pt-br"]) | st.text(max_size=12)
updates = st.one_of(
    st.builds(message_update, user_ids, hostile_text, languages),
    st.builds(lambda u, d, m, lang: callback_update(u, d, m, lang), user_ids, payloads(TREE),
              st.integers(1, 2**31), languages),
)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@settings(max_examples=120)
@given(batch=st.lists(updates, min_size=1, max_size=3))
async def test_random_updates_are_answered_within_telegrams_limits(
        telegram: Harness, db_path: Path, batch: list[dict], caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    before = len(telegram.api.calls)
    with caplog.at_level(logging.WARNING):
        for update in batch:
            await telegram.deliver(update)
    calls = telegram.api.calls[before:]
    for call in calls:
        if call.method in ("sendMessage", "editMessageText"):
            assert 0 < utf16_units(call.params["text"]) <= MAX_MESSAGE_UTF16
            for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    assert button["text"].strip()
                    assert 0 < len(button["callback_data"].encode("utf-8")) <= MAX_CALLBACK_BYTES
    assert any(c.method in ("sendMessage", "editMessageText") for c in calls), "every update got an answer"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert integrity(db_path) == []
    assert sane_users(db_path, TREE) == []
