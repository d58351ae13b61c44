"""``marhaba run telegram`` as a real process against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI, callback_update, message_update


def run_telegram(api: FakeBotAPI, tmp_path: Path) -> subprocess.Popen[str]:
    """``marhaba run telegram`` in a subprocess, talking to ``api``, logging at INFO."""
    env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
           "MARHABA_DB": str(tmp_path / "run.db"), "MARHABA_PORT": "0", "MARHABA_ENV_FILE": "",
           "MARHABA_LOG_LEVEL": "INFO"}
    return subprocess.Popen([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_marhaba_run_telegram_answers_start_with_an_inline_menu_that_navigates(
        fake_api: FakeBotAPI, tmp_path: Path) -> None:
    process = run_telegram(fake_api, tmp_path)
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


def test_ctrl_c_on_marhaba_run_telegram_stops_at_once_without_a_traceback(tmp_path: Path) -> None:
    # The server still holds the long poll the bot gave up on, so the last "confirm" getUpdates
    # waits behind it: PTB logged "Error while calling get_updates" with a traceback after 5 s.
    api = FakeBotAPI(hold_polls=True).start()
    process = run_telegram(api, tmp_path)
    try:
        api.wait_for_sync("getMe")
        api.push(message_update(7002, "/start", "ar"))
        api.wait_for_sync("sendMessage")  # the update was fetched, so a new long poll is pending
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, stderr = process.communicate(timeout=30)  # a safety net only; the bound is asserted below
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        api.stop()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr and " ERROR " not in stderr and " CRITICAL " not in stderr, stderr
    assert "Application.stop() complete" in stderr
    assert took < 2.0, f"shutdown took {took:.1f} s"
