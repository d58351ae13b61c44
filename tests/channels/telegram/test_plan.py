"""Planning Bot API calls: parts are reused for a message the engine hands out again."""

from __future__ import annotations

from bot.channels.telegram._adapter import TextPart, plan
from bot.core import Option, Outgoing


def test_the_same_message_is_planned_once_and_reused() -> None:
    menu = Outgoing(text="Main menu", options=(Option("Health", "n:health"),))
    first, again = plan([menu]), plan([menu])
    assert first == again and first[0] is again[0]
    assert isinstance(first[0], TextPart) and first[0].keyboard is not None


def test_planned_parts_follow_the_message_not_a_reused_address() -> None:
    # Short-lived messages come and go; a new one at a freed address must never get old parts.
    for i in range(5000):
        message = Outgoing(text=f"message {i}", options=(Option(f"option {i}", f"n:node-{i}"),))
        (part,) = plan([message])
        assert isinstance(part, TextPart) and part.html == f"message {i}"
        assert part.keyboard is not None
        assert part.keyboard.inline_keyboard[0][0].callback_data == f"n:node-{i}"
