"""Reactions are feedback, not messages: the recorded Cloud API reaction webhooks get no reply."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from bot.features.feedback import FEATURE, feedback_of
from bot.settings import Settings
from tests.channels.whatsapp.conftest import WhatsAppHarness, payload, reply_webhook, text_webhook
from tests.store import data

USER = "963933000001"  # the user of the recorded payloads


@pytest.fixture(autouse=True)
def feedback(wa: WhatsAppHarness):
    """The feature as ``marhaba run`` installs it."""
    return wa.engine.add_feature(FEATURE, Settings.from_env({"MARHABA_ENV_FILE": ""}))


def reaction_webhook(to_message: str, emoji: str | None, message_id: str) -> dict[str, Any]:
    """The recorded reaction webhook (``emoji=None``: the recorded removal), on our message ``to_message``."""
    body = copy.deepcopy(payload("reaction" if emoji is not None else "reaction_removed"))
    msg = body["entry"][0]["changes"][0]["value"]["messages"][0]
    msg.update({"id": message_id, "timestamp": str(int(time.time()))})
    msg["reaction"]["message_id"] = to_message
    if emoji is not None:
        msg["reaction"]["emoji"] = emoji
    return body


async def open_health_card(wa: WhatsAppHarness) -> str:
    """Choose Arabic and open the health-card page; the id of the message that showed it."""
    await wa.post(text_webhook(USER, "hello", "wamid.r-hello"))
    await wa.post(reply_webhook(USER, "lang:ar", "wamid.r-lang"))
    before = len(wa.fake.to(USER))
    await wa.post(reply_webhook(USER, "n:health-card", "wamid.r-card"))
    return [m for m in wa.fake.to(USER)[before:] if m["type"] in ("interactive", "text")][-1]["id"]


async def scores(wa: WhatsAppHarness) -> dict[tuple[str, str], tuple[int, int]]:
    feedback = feedback_of(wa.channel.engine)
    assert feedback is not None
    return {(s.node_id, s.locale): (s.positive, s.negative) for s in await feedback.scores()}


async def test_the_recorded_reaction_and_its_removal_get_no_reply(wa: WhatsAppHarness) -> None:
    await wa.post(text_webhook(USER, "hello", "wamid.first"))
    sent = len(wa.fake.sent)
    assert (await wa.post(payload("reaction"))).status_code == 200
    assert (await wa.post(payload("reaction_removed"))).status_code == 200
    await wa.channel.wait_idle()
    assert len(wa.fake.sent) == sent


async def test_reactions_on_a_page_count_for_it_and_a_removal_takes_them_back(wa: WhatsAppHarness) -> None:
    page = await open_health_card(wa)
    sent = len(wa.fake.sent)
    await wa.post(reaction_webhook(page, "👍🏽", "wamid.react-1"))
    await wa.post(reaction_webhook(page, "👍🏽", "wamid.react-1"))  # the same webhook again
    assert await scores(wa) == {("health-card", "ar"): (1, 0)}
    await wa.post(reaction_webhook(page, "👎", "wamid.react-2"))  # changed her mind
    assert await scores(wa) == {("health-card", "ar"): (0, 1)}
    await wa.post(reaction_webhook(page, None, "wamid.react-3"))  # and removed it
    assert await scores(wa) == {}
    await wa.post(reaction_webhook(page, "❤️", "wamid.react-4"))
    await wa.post(reaction_webhook("wamid.not-ours", "🙏", "wamid.react-5"))
    assert await scores(wa) == {("health-card", "ar"): (1, 0)}
    assert len(wa.fake.sent) == sent, "reactions are never answered"


async def test_no_user_is_linked_to_a_reaction(wa: WhatsAppHarness) -> None:
    page = await open_health_card(wa)
    await wa.post(reaction_webhook(page, "🙏", "wamid.react-6"))
    for table in ("page_messages", "page_feedback"):
        columns = await data.columns(wa.store, table)
        assert not {"user_id", "wa_id", "chat_id", "message_id"} & set(columns), table
        dump = repr(await data.rows(wa.store, table))
        assert USER not in dump and page not in dump
