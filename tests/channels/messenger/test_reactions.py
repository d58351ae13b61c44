"""Reactions are feedback on a page, never messages: the recorded reaction webhook gets no reply."""

from __future__ import annotations

import pytest

from bot.features.feedback import FEATURE, feedback_of
from bot.settings import Settings
from tests.channels.messenger.conftest import USER, MessengerHarness, payload, quick_reply_webhook


@pytest.fixture(autouse=True)
def feedback(fbm: MessengerHarness):
    """The feature as ``marhaba run`` installs it."""
    return fbm.engine.add_feature(FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}))


def reaction(to_mid: str, emoji: str | None, when: int) -> dict:
    body = payload("reaction")
    event = body["entry"][0]["messaging"][0]
    event["timestamp"] = when
    event["reaction"]["mid"] = to_mid
    if emoji is None:
        event["reaction"] = {"mid": to_mid, "action": "unreact"}
    else:
        event["reaction"]["emoji"] = emoji
    return body


async def test_reactions_on_a_page_count_for_it_once_and_a_removal_takes_them_back(fbm: MessengerHarness) -> None:
    await fbm.choose_language(locale="ar")
    before = len(fbm.fake.sent)
    await fbm.post(quick_reply_webhook(USER, "n:health-card", "m_card"))
    page = fbm.fake.sent[-1]["message_id"]
    assert len(fbm.fake.sent) > before
    sent = len(fbm.fake.sent)
    feedback = feedback_of(fbm.engine)
    assert feedback is not None

    async def scores() -> dict:
        return {(s.node_id, s.locale): (s.positive, s.negative) for s in await feedback.scores()}

    await fbm.post(reaction(page, "👍", 1764640060001))
    await fbm.post(reaction(page, "👍", 1764640060001))  # the same webhook again
    assert await scores() == {("health-card", "ar"): (1, 0)}
    await fbm.post(reaction(page, None, 1764640061001))
    assert await scores() == {}
    await fbm.post(reaction(page, "❤️", 1764640062001))
    await fbm.post(payload("reaction"))  # the recorded one: on a message that showed no page
    assert await scores() == {("health-card", "ar"): (1, 0)}
    assert len(fbm.fake.sent) == sent, "reactions are never answered"
