"""Telegram ``message_reaction`` updates are feedback on a page, never answered."""

from __future__ import annotations

import pytest

from bot.features.feedback import FEATURE, feedback_of
from bot.settings import Settings
from tests.channels.telegram.conftest import Harness
from tests.channels.telegram.fake_botapi import reaction_update


@pytest.fixture(autouse=True)
def feedback(telegram: Harness):
    return telegram.channel.engine.add_feature(FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}))


async def test_a_reaction_to_a_page_counts_for_it_and_gets_no_reply(telegram: Harness) -> None:
    user = telegram.user(6201, "fa")
    await user.send("/start")
    await user.press_data("lang:fa")
    await user.press_data("n:housing")
    page = user.menu_message_id
    assert page is not None
    feedback = feedback_of(telegram.channel.engine)
    assert feedback is not None
    calls = len(telegram.api.calls)
    await telegram.deliver(reaction_update(6201, page, "❤"))
    assert [(s.node_id, s.locale, s.positive, s.negative) for s in await feedback.scores()] == [
        ("housing", "fa", 1, 0)]
    await telegram.deliver(reaction_update(6201, page, None, old="❤"))
    assert await feedback.scores() == []
    await telegram.deliver(reaction_update(6201, page, "👎"))
    assert [(s.positive, s.negative) for s in await feedback.scores()] == [(0, 1)]
    assert len(telegram.api.calls) == calls, "nothing is sent for a reaction"


async def test_a_menu_edited_to_show_no_page_takes_no_reaction_for_its_old_page(telegram: Harness) -> None:
    user = telegram.user(6202, "en")
    await user.send("/start")
    await user.press_data("lang:en")
    await user.press_data("n:housing")
    page = user.menu_message_id
    await user.press_data("cmd:language")  # the same message now shows the language picker
    assert user.menu_message_id == page
    feedback = feedback_of(telegram.channel.engine)
    assert feedback is not None
    await telegram.deliver(reaction_update(6202, page, "👍"))
    assert await feedback.scores() == []
