"""Callback data stays within Telegram's 64 bytes whatever a payload looks like."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram import callback_data
from bot.core import Option, Outgoing
from tests.channels.telegram.conftest import Harness


@given(st.text(max_size=100))
def test_every_payload_becomes_callback_data_within_64_bytes(payload: str) -> None:
    data = callback_data(payload)
    assert 0 < len(data.encode("utf-8")) <= 64
    if 0 < len(payload.encode("utf-8")) <= 64:
        assert data == payload


async def test_an_over_long_payload_gives_a_button_that_shows_the_current_menu(telegram: Harness) -> None:
    engine = telegram.channel.engine
    user = telegram.user(5301, "en")
    await user.send("/start")
    await user.press("English")
    await user.press("Health")
    await engine.senders["telegram"].send("5301", [Outgoing(text="pick", options=(Option("Go", "n:" + "ü" * 80),))])
    sent = telegram.api.calls_of("sendMessage", 5301)[-1]
    (button,) = sent.params["reply_markup"]["inline_keyboard"][0]
    assert len(button["callback_data"].encode()) <= 64
    user.menu_message_id = sent.result["message_id"]
    await user.press_data(button["callback_data"])
    assert "This menu is out of date" in user.texts[0] and "Health" in user.texts[0]
