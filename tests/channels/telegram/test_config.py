"""Telegram settings from the environment, the command menus, and start-up failures."""

from __future__ import annotations

import pytest

from bot.channels.telegram import TelegramChannel, TelegramSettings, command_menus
from bot.core import Engine
from bot.errors import ConfigError
from bot.i18n import negotiate
from bot.settings import Settings
from bot.web import WebServer
from tests.channels.telegram.conftest import Harness, telegram_settings
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI


def parse(**env: str) -> TelegramSettings:
    return TelegramSettings.from_settings(Settings.from_env({"MARHABA_ENV_FILE": "", **env}))


@pytest.mark.parametrize("token", ["", "   ", "abc", "555000111", "555000111:short", "x:AAEfakefakefakefakefakefakefakefake1",
                                   "555000111:AAE fake fake fake fake fake fake fake"])
def test_missing_or_malformed_token_is_a_one_line_error_without_the_token(token: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse(TELEGRAM_TOKEN=token)
    message = str(info.value)
    assert "TELEGRAM_TOKEN" in message and "\n" not in message
    if token.strip():
        assert token.strip() not in message


def test_token_never_appears_in_repr() -> None:
    settings = parse(TELEGRAM_TOKEN=TOKEN, TELEGRAM_WEBHOOK_URL="https://x.example/webhook/telegram",
                     TELEGRAM_WEBHOOK_SECRET="a-long-enough-secret-123")
    assert TOKEN not in repr(settings) and "a-long-enough-secret-123" not in repr(settings)
    assert settings.webhook


@pytest.mark.parametrize(("env", "needle"), [
    ({"TELEGRAM_WEBHOOK_URL": "http://bot.example.org/webhook/telegram", "TELEGRAM_WEBHOOK_SECRET": "x" * 20},
     "https"),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhook/telegram"}, "TELEGRAM_WEBHOOK_SECRET is required"),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/w", "TELEGRAM_WEBHOOK_SECRET": "short"}, "16 to 256"),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/w", "TELEGRAM_WEBHOOK_SECRET": "bad secret with spaces!"},
     "16 to 256"),
    ({"TELEGRAM_API_BASE_URL": "localhost:8081/bot"}, "TELEGRAM_API_BASE_URL"),
])
def test_bad_webhook_and_base_url_settings_are_explained(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        parse(TELEGRAM_TOKEN=TOKEN, **env)


def test_polling_is_the_default() -> None:
    settings = parse(TELEGRAM_TOKEN=TOKEN)
    assert not settings.webhook
    assert settings.base_url == "https://api.telegram.org/bot"


async def test_a_token_telegram_rejects_is_a_config_error(fake_api: FakeBotAPI, engine: Engine) -> None:
    other = "987654321:AAEotherotherotherotherotherotherother"
    settings = TelegramSettings.from_settings(telegram_settings(fake_api, TELEGRAM_TOKEN=other))
    channel = TelegramChannel(settings, engine, WebServer("127.0.0.1", 0))
    with pytest.raises(ConfigError) as info:
        await channel.start()
    assert other not in str(info.value)


async def test_command_menus_are_registered_per_language(telegram: Harness, engine: Engine) -> None:
    calls = telegram.api.calls_of("setMyCommands")
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    # Telegram takes two-letter codes: Kurmanji is "ku"; Sorani and Dari (no such code) get the default.
    assert set(by_language) == {None, "en", "ar", "fa", "ps", "ur", "tr", "fr", "so", "ku", "ru", "uk", "bn", "ti"}
    names = [c["command"] for c in by_language["ar"]]
    assert names == [c.name for c in engine.public_commands()]
    for code, commands in by_language.items():
        t = engine.catalogs.get(negotiate(code) or "en")
        assert [c["description"] for c in commands] == [t.gettext(c.description) for c in engine.public_commands()]


def test_command_menus_skip_staff_commands_and_names_telegram_refuses(engine: Engine) -> None:
    async def handler(turn):
        return []

    engine.add_command("reply", handler, "Reply to a user", staff_only=True)
    engine.add_command("Bad-Name", handler, "Not a valid Telegram command")
    engine.add_command("events", handler, "Upcoming events")
    menu = [c.command for c in command_menus(engine)[""]]
    assert "events" in menu and "reply" not in menu and "Bad-Name" not in menu


async def test_polling_mode_removes_a_webhook_and_polls(telegram: Harness) -> None:
    assert telegram.api.calls_of("deleteWebhook")
    assert telegram.api.calls_of("setWebhook") == []
