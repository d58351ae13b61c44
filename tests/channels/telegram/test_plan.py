"""Planning Bot API calls: parts are reused for content pages the engine hands out again."""

from __future__ import annotations

import gc
import weakref

from bot.channels.telegram._adapter import TextPart, plan
from bot.core import Option, Outgoing


def test_a_content_page_is_planned_once_and_reused() -> None:
    menu = Outgoing(text="Main menu", options=(Option("Health", "n:health"),), node_id="main")
    first, again = plan([menu]), plan([menu])
    assert first == again and first[0] is again[0]
    assert isinstance(first[0], TextPart) and first[0].keyboard is not None


def test_planned_parts_follow_the_page_not_a_reused_address() -> None:
    # Pages come and go (a reload); a new one at a freed address must never get old parts.
    for i in range(5000):
        page = Outgoing(text=f"page {i}", options=(Option(f"option {i}", f"n:node-{i}"),), node_id=f"node-{i}")
        (part,) = plan([page])
        assert isinstance(part, TextPart) and part.html == f"page {i}"
        assert part.keyboard is not None
        assert part.keyboard.inline_keyboard[0][0].callback_data == f"n:node-{i}"


def test_a_message_for_one_person_is_not_kept_after_it_is_planned() -> None:
    answer = Outgoing(text="Your appointment is on Monday at the legal aid office.")
    alive = weakref.ref(answer)
    assert plan([answer])[0].html.startswith("Your appointment")
    del answer
    gc.collect()
    assert alive() is None
