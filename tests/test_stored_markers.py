"""The enums of stored states keep the strings existing databases hold: renaming a value loses rows' meaning."""

from __future__ import annotations

from bot.core._engine import Pending as EnginePending
from bot.features.broadcast import OutboxState
from bot.features.questions._feature import Pending as QuestionPending


def test_outbox_states_are_the_strings_in_existing_outbox_rows() -> None:
    # bot/store/migrations/004_broadcast.sql: "pending, sending, sent, failed, blocked, skipped"
    assert [s.value for s in OutboxState] == ["pending", "sending", "sent", "failed", "blocked", "skipped"]


def test_pending_markers_are_the_strings_in_existing_user_rows() -> None:
    assert EnginePending.FORGET == "forget"
    assert [p.value for p in QuestionPending] == ["q:ask", "q:offer:", "q:sent:"]
    assert f"{QuestionPending.SENT}12" == "q:sent:12"  # formatted into the stored text as its value
