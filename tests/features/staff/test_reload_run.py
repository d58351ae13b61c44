"""Live reload in a real ``marhaba run telegram`` process, against the fake Bot API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.channels.telegram.conftest import fake_api  # noqa: F401 - the fixture
from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI, callback_update, message_update

USER, BOSS = 7001, 7002


def labels(call) -> list[str]:
    return [row[0]["text"] for row in call.params.get("reply_markup", {}).get("inline_keyboard", [])]


def menu_until(api: FakeBotAPI, want: str, timeout: float = 15.0) -> list[str]:
    """Ask for the menu until a button contains ``want`` (the job polls every 2 s)."""
    deadline = time.monotonic() + timeout
    while True:
        count = len(api.calls_of("sendMessage", USER)) + 1
        api.push(message_update(USER, "/menu", "en"))
        deadline_call = time.monotonic() + 10
        while len(api.calls_of("sendMessage", USER)) < count:
            assert time.monotonic() < deadline_call, "no answer to /menu"
            time.sleep(0.02)
        shown = labels(api.calls_of("sendMessage", USER)[-1])
        if any(want in label for label in shown) or time.monotonic() > deadline:
            return shown
        time.sleep(0.3)


def test_edits_under_a_running_bot_go_live_and_broken_ones_are_refused(
        fake_api: FakeBotAPI, project_copy: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {**os.environ, "TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake_api.base_url,
           "MARHABA_DB": str(tmp_path / "run.db"), "MARHABA_PORT": "0", "MARHABA_ENV_FILE": "",
           "MARHABA_CONTENT": str(project_copy / "content"), "MARHABA_LOCALES": str(project_copy / "locales"),
           "MARHABA_STAFF": f"telegram:{BOSS}", "MARHABA_LOG_LEVEL": "INFO",
           "MARHABA_FLOOD_RATE": "0"}  # menu_until asks three times a second: flood control would silence it
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    health = project_copy / "content" / "health.yaml"
    original = health.read_text(encoding="utf-8")
    try:
        fake_api.wait_for_sync("getMe")
        fake_api.push(message_update(BOSS, "/start", "en"))  # staff have talked to the bot once
        fake_api.push(message_update(USER, "/start", "en"))
        fake_api.wait_for_sync("sendMessage", count=2)
        picker = fake_api.calls_of("sendMessage", USER)[0]
        fake_api.push(callback_update(USER, "lang:en", picker.result["message_id"], "en"))
        fake_api.wait_for_sync("editMessageText")
        assert any(label.endswith("Health") for label in menu_until(fake_api, "Health"))

        health.write_text(original.replace("title: Health\n", "title: Health and doctors\n", 1), encoding="utf-8")
        assert any("Health and doctors" in label for label in menu_until(fake_api, "Health and doctors"))

        health.write_text(original.replace("title: Health\n", "title: Broken\ntitel: Health\n", 1), encoding="utf-8")
        deadline = time.monotonic() + 15
        while not fake_api.calls_of("sendMessage", BOSS)[1:]:
            assert time.monotonic() < deadline, "staff were not told"
            time.sleep(0.05)
        told = fake_api.calls_of("sendMessage", BOSS)[-1].params["text"]
        assert "health.yaml:3:1: unknown key 'titel'" in told
        shown = menu_until(fake_api, "Broken", timeout=3)
        assert any("Health and doctors" in label for label in shown)
        assert not any("Broken" in label for label in shown)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "reload refused:" in stderr and "health.yaml:3:1" in stderr
    assert "content reloaded" in stderr and "Traceback" not in stderr
