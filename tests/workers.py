"""Several ``marhaba run`` worker processes on one database, as a deployment behind a load balancer runs them.

Each worker writes its log to a file of its own, so a test can read which worker does what while they run
(``worker.wait_for_log("Telegram long polling started")``) and kill one (``worker.kill()``: SIGKILL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.channels.telegram.fake_botapi import TOKEN, FakeBotAPI

WAIT_SECONDS = 120
"""How long a worker may take to do what a test waits for on a loaded machine (the test waits for the
event, not for this)."""


def worker_env(api: FakeBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    """A worker's environment: Telegram through ``api``, the store in PostgreSQL, short leases."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MARHABA_", "TELEGRAM_", "WHATSAPP_"))}
    env.update(TELEGRAM_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, MARHABA_DATABASE_URL=database_url,
               MARHABA_SECRET_KEY="k" * 32, MARHABA_ENV_FILE="", MARHABA_PORT="0", MARHABA_LOG_LEVEL="INFO",
               MARHABA_LEASE_SECONDS="2", MARHABA_OUTBOX_LEASE_SECONDS="2", **extra)
    return env


class Worker:
    """One ``marhaba run telegram`` process."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        with self.log_path.open("w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "telegram"], env=env, cwd=folder,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while text not in self.log():
            assert self.proc.poll() is None, f"worker {self.name} exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"worker {self.name} never logged {text!r}:\n{self.log()}"
            time.sleep(0.02)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> str:
        """SIGTERM (SIGKILL if it hangs); the whole log."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.log()


def wait_until(check: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Poll ``check()`` until it is true; fail saying ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.02)
