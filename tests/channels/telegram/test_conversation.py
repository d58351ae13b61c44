"""End to end: the real python-telegram-bot Application against the fake Bot API over HTTP."""

from __future__ import annotations

import pytest

from bot.content import ROOT_ID
from tests.channels.telegram.conftest import Harness


@pytest.mark.parametrize(("language_code", "first_label", "locale"), [
    ("fa-IR", "✓ فارسی", "fa"),
    ("ar", "✓ العربية", "ar"),
    ("prs", "✓ دری", "fa_AF"),
    ("tr", "✓ Türkçe", "tr"),
    ("pt-br", "English", "en"),
    ("ku", "✓ Kurdî (Kurmancî)", "kmr"),
    ("ckb", "✓ کوردی (سۆرانی)", "ckb"),
    ("uk", "✓ Українська", "uk"),
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


async def test_the_language_picker_is_a_grid_of_two_columns(telegram: Harness) -> None:
    from bot.i18n import LOCALES

    user = telegram.user(5002, "ru-RU")
    await user.send("/start")
    markup = user.calls[-1].params["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in markup] == [2] * (len(LOCALES) // 2) + [1] * (len(LOCALES) % 2)
    assert markup[0][0]["text"] == "✓ Русский" and markup[0][0]["callback_data"] == "lang:ru"
    # Topic menus keep one button a row: their labels are long.
    await user.press("Русский")
    assert all(len(row) == 1 for row in user.calls[-1].params["reply_markup"]["inline_keyboard"])


async def chosen_english(telegram: Harness, user_id: int):
    user = telegram.user(user_id, "en")
    await user.send("/start")
    await user.press("English")
    return user


async def test_menus_built_once_are_sent_whole_to_every_user(telegram: Harness, sample_tree) -> None:
    # Keyboards are serialized once and shared; every user must still get the full menu as JSON.
    expected = [[{"text": t.title, "callback_data": f"n:{t.id}"}] for t in sample_tree.topics]
    for user_id in (5201, 5202):
        user = await chosen_english(telegram, user_id)
        params = user.calls[1].params
        assert params["reply_markup"] == {"inline_keyboard": expected}
        assert params["link_preview_options"] == {"is_disabled": True}


async def test_navigation_edits_the_menu_in_place_and_goes_back(telegram: Harness) -> None:
    user = await chosen_english(telegram, 5101)
    assert [c.method for c in user.calls] == ["answerCallbackQuery", "editMessageText"]
    assert user.texts[0].startswith("<b>Main menu</b>")
    picker_id = user.calls[1].params["message_id"]

    await user.press("Health")
    assert [c.method for c in user.calls] == ["answerCallbackQuery", "editMessageText"]
    assert user.calls[1].params["message_id"] == picker_id
    assert user.texts[0].startswith("<b>Health</b>")

    await user.press("Clinics")
    await user.press("Migrant Health Center")
    # A map point cannot be edited into a text message: the old menu loses its buttons,
    # then the venue and the page arrive as new messages, the menu at the bottom.
    assert [c.method for c in user.calls] == [
        "answerCallbackQuery", "editMessageReplyMarkup", "sendVenue", "sendMessage"]
    venue = user.calls[2].params
    assert (venue["title"], float(venue["latitude"])) == ("Migrant Health Center", 41.0092)
    assert "6 Lantern Street" in user.texts[0]

    await user.press("Back")
    assert user.texts[0].startswith("<b>Clinics")
    await user.press("Main menu")
    assert user.texts[0].startswith("<b>Main menu</b>")
    stored = await telegram.channel.engine.store.get_user("telegram", "5101")
    assert stored is not None and stored.current_node == ROOT_ID


async def test_every_callback_query_is_answered(telegram: Harness) -> None:
    user = await chosen_english(telegram, 5102)
    await user.press("Health")
    answered = telegram.api.calls_of("answerCallbackQuery")
    assert len(answered) == 2


@pytest.mark.parametrize("data", ["n:no-such-node", "🙂" * 16, "lang:xx", "~forged", "::", "cmd:", "step:root"])
async def test_forged_callback_gets_out_of_date_notice_and_current_menu(telegram: Harness, data: str) -> None:
    user = await chosen_english(telegram, 5103)
    await user.press("Health")
    calls = await user.press_data(data)
    assert calls[0].method == "answerCallbackQuery"
    if data.startswith("lang:"):
        assert "Choose your language." in user.texts[0]
    else:
        assert "This menu is out of date" in user.texts[0]
        assert "Health" in user.texts[0]
    assert user.labels


async def test_user_text_and_content_are_html_escaped(telegram: Harness) -> None:
    user = await chosen_english(telegram, 5104)
    await user.send("<b>hi</b> & <script>")
    calls = [c for c in user.calls if c.method == "sendMessage"]
    assert calls and all(c.params["parse_mode"] == "HTML" for c in calls)
    assert "<script>" not in user.texts[0]


async def test_commands_with_bot_username_and_unknown_commands(telegram: Harness) -> None:
    user = await chosen_english(telegram, 5105)
    await user.send("/help@MarhabaTestBot")
    assert "/progress" in user.texts[0]
    await user.send("/nonsense")
    assert "I do not know that command" in user.texts[0]


async def test_group_chats_are_ignored(telegram: Harness) -> None:
    update = {"message": {"message_id": 1, "date": 0, "text": "/start",
                          "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                          "chat": {"id": -100, "type": "group", "title": "g"},
                          "from": {"id": 5106, "is_bot": False, "first_name": "T"}}}
    await telegram.deliver(update)
    assert telegram.api.calls_of("sendMessage", -100) == []
    assert await telegram.channel.engine.store.get_user("telegram", "-100") is None
