"""Channel secrets come from the environment or a private file, and are never echoed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.channels.telegram import TelegramSettings
from bot.channels.whatsapp import WhatsAppConfig
from bot.settings import Settings
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI

WRONG_TOKEN = "987654321:AAEwrongwrongwrongwrongwrongwrong99"


def private(tmp_path: Path, name: str, text: str, mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(text + "\n")
    path.chmod(mode)
    return str(path)


def test_channel_secrets_can_come_from_private_files(tmp_path: Path) -> None:
    env = {"MARHABA_ENV_FILE": "", "TELEGRAM_TOKEN_FILE": private(tmp_path, "tg", TOKEN),
           "WHATSAPP_TOKEN_FILE": private(tmp_path, "wa", "wa-token"), "WHATSAPP_PHONE_NUMBER_ID": "1065",
           "WHATSAPP_APP_SECRET_FILE": private(tmp_path, "app", "app-secret"),
           "WHATSAPP_VERIFY_TOKEN_FILE": private(tmp_path, "verify", "verify-me")}
    settings = Settings.from_env(env)
    assert TelegramSettings.configured(settings) and TelegramSettings.from_settings(settings).token == TOKEN
    config = WhatsAppConfig.from_settings(settings)
    assert WhatsAppConfig.configured(settings)
    assert (config.token, config.app_secret, config.verify_token) == ("wa-token", "app-secret", "verify-me")
    assert "wa-token" not in repr(config) and TOKEN not in repr(TelegramSettings.from_settings(settings))


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_", "MARHABA_"))}
    clean.update(MARHABA_DB=str(tmp_path / "run.db"), MARHABA_ENV_FILE="", MARHABA_PORT="0",
                 MARHABA_LOG_LEVEL="DEBUG", **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], env=clean, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_a_token_telegram_rejects_is_not_echoed(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    result = run(tmp_path, "run", "telegram", TELEGRAM_TOKEN_FILE=private(tmp_path, "tg", WRONG_TOKEN),
                 TELEGRAM_API_BASE_URL=fake_api.base_url)
    assert result.returncode == 2, result.stderr
    assert "Telegram rejected TELEGRAM_TOKEN" in result.stderr
    assert WRONG_TOKEN not in result.stderr + result.stdout
    assert WRONG_TOKEN.split(":")[1] not in result.stderr  # not even the secret half, at DEBUG level


def test_a_token_file_others_can_read_is_refused_and_not_echoed(tmp_path: Path) -> None:
    result = run(tmp_path, "run", "telegram", TELEGRAM_TOKEN_FILE=private(tmp_path, "tg", WRONG_TOKEN, 0o644))
    assert result.returncode == 2
    assert "can be read by other users" in result.stderr and "Traceback" not in result.stderr
    assert WRONG_TOKEN not in result.stderr
