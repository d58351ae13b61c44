"""``marhaba run telegram`` as a real process against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI, callback_update, message_update


def test_marhaba_run_telegram_answers_start_with_an_inline_menu_that_navigates(
        fake_api: FakeBotAPI, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake_api.base_url,
           "MARHABA_DB": str(tmp_path / "run.db"), "MARHABA_PORT": "0", "MARHABA_ENV_FILE": "",
           "MARHABA_LOG_LEVEL": "INFO"}
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        fake_api.wait_for_sync("getMe")
        fake_api.push(message_update(7001, "/start", "fa-IR"))
        (picker,) = fake_api.wait_for_sync("sendMessage")
        buttons = [row[0] for row in picker.params["reply_markup"]["inline_keyboard"]]
        assert buttons[0] == {"text": "✓ فارسی", "callback_data": "lang:fa"}

        fake_api.push(callback_update(7001, "lang:fa", picker.result["message_id"], "fa-IR"))
        (menu,) = fake_api.wait_for_sync("editMessageText")
        assert menu.params["message_id"] == picker.result["message_id"]
        topics = [row[0]["callback_data"] for row in menu.params["reply_markup"]["inline_keyboard"]]
        assert topics and all(data.startswith("n:") for data in topics)

        fake_api.push(callback_update(7001, topics[0], picker.result["message_id"], "fa-IR"))
        topic = fake_api.wait_for_sync("editMessageText", count=2)[-1]
        assert topic.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"] == "cmd:menu"
        assert len(fake_api.calls_of("answerCallbackQuery")) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert TOKEN not in stderr and "Traceback" not in stderr
    assert "channel telegram started" in stderr


def test_marhaba_run_telegram_without_a_token_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(TELEGRAM_TOKEN="not-a-token", MARHABA_DB=str(tmp_path / "run.db"), MARHABA_ENV_FILE="")
    result = subprocess.run([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "TELEGRAM_TOKEN is malformed" in result.stderr and "not-a-token" not in result.stderr
