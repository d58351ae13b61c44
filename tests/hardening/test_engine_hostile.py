"""The engine under arbitrary input: nothing escapes, nothing fails, replies stay within limits, the store stays sound."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import load_content
from bot.core import MAX_PAYLOAD_BYTES, Engine, Incoming
from tests.conftest import SAMPLE_CONTENT
from tests.hardening.conftest import COMMANDS, huge_text, integrity, payloads, sane_users
from tests.hardening.conftest import hostile_text as _hostile

TREE = load_content(SAMPLE_CONTENT).tree
MAX_REPLY_CHARS = 20_000
"""No reply grows with the input: a 100 kB message never comes back as a 100 kB answer."""

hostile_text = st.one_of(_hostile, huge_text)
users = st.sampled_from(["u1", "u2", "905321234567"]) | st.text(max_size=30)
events = st.one_of(
    st.builds(lambda u, t: Incoming("test", u, text=t), users, hostile_text),
    st.builds(lambda u, p: Incoming("test", u, payload=p), users, payloads(TREE)),
    st.builds(lambda u, c, a: Incoming("test", u, command=c, args=a), users,
              st.sampled_from(COMMANDS) | hostile_text, hostile_text),
    st.builds(lambda u, t, h: Incoming("test", u, text=t, language_hint=h), users, hostile_text,
              st.none() | st.sampled_from(["ar", "fa-IR", "prs", "pt-br", "zz", ""]) | st.text(max_size=10)),
)


@settings(max_examples=400)
@given(turns=st.lists(events, min_size=1, max_size=6))
async def test_arbitrary_events_never_fail_a_turn(engine: Engine, db_path: Path, turns: list[Incoming],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for event in turns:
            replies = await engine.handle(event)
            assert replies, "every turn is answered (no flood control in this engine)"
            for out in replies:
                assert out.text or out.title or out.options or out.location
                assert len(out.full_text) <= MAX_REPLY_CHARS
                for option in out.options:
                    assert option.label.strip()
                    assert 0 < len(option.payload.encode("utf-8")) <= MAX_PAYLOAD_BYTES
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], "the 'turn failed' path was taken"
    assert integrity(db_path) == []
    assert sane_users(db_path, TREE) == []
