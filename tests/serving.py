"""Start ``marhaba run`` as a real process on a port the server picks itself.

A test that picks a free port, closes it and hands the number to the server races with every other
process on the machine (another test's fake server may take it in between). With ``MARHABA_PORT=0``
the server binds a free port itself and logs ``serving on HOST:PORT``; these helpers read that line.
"""

from __future__ import annotations

import asyncio
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

SERVING = re.compile(r"serving on [^\s:]+:(\d+)")
START_SECONDS = 120
"""How long a start may take on a loaded machine before the test fails (it waits for the log line, not this)."""


@dataclass
class Running:
    """A ``marhaba run`` process (asyncio) and the port it serves on."""

    proc: asyncio.subprocess.Process
    port: int
    started_log: str = ""
    """What the process wrote to stderr up to and including the ``serving on`` line."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def log(self) -> str:
        """Everything written to stderr, once the process has exited."""
        assert self.proc.stderr is not None
        return self.started_log + (await self.proc.stderr.read()).decode()


async def start_run(channels: list[str], env: dict[str, str], cwd: Path, *,
                    stdout: int | None = asyncio.subprocess.PIPE) -> Running:
    """``marhaba run <channels>`` with ``env`` (its ``MARHABA_PORT`` replaced by 0), once it serves."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *channels, env={**env, "MARHABA_PORT": "0"}, cwd=cwd,
        stdout=stdout, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    seen: list[str] = []
    while True:
        line = (await asyncio.wait_for(proc.stderr.readline(), START_SECONDS)).decode()
        if not line:
            await proc.wait()
            raise AssertionError(f"marhaba run exited ({proc.returncode}) before serving:\n{''.join(seen)}")
        seen.append(line)
        if match := SERVING.search(line):
            return Running(proc, int(match[1]), "".join(seen))


@dataclass
class RunningSync:
    """A ``marhaba run`` process (``subprocess.Popen``, text mode) and the port it serves on."""

    proc: subprocess.Popen[str]
    port: int
    started_log: str = ""

    def stop(self, timeout: float = 30) -> str:
        """SIGTERM, wait, and return everything the process wrote to stderr."""
        self.proc.terminate()
        _, stderr = self.proc.communicate(timeout=timeout)
        return self.started_log + (stderr or "")


def start_run_sync(channels: list[str], env: dict[str, str], cwd: Path) -> RunningSync:
    """The blocking twin of :func:`start_run`, for tests that drive the process with plain HTTP calls."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", *channels], env={**env, "MARHABA_PORT": "0"},
                            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []

    def read_until_serving() -> None:  # a thread, so that a silent hang fails the test instead of blocking it
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
            if SERVING.search(line):
                return
        lines.put("")

    threading.Thread(target=read_until_serving, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=START_SECONDS)
        except queue.Empty:
            proc.kill()
            raise AssertionError(f"marhaba run did not serve within {START_SECONDS} s:\n{''.join(seen)}") from None
        if not line:
            proc.wait()
            raise AssertionError(f"marhaba run exited ({proc.returncode}) before serving:\n{''.join(seen)}")
        seen.append(line)
        if match := SERVING.search(line):
            return RunningSync(proc, int(match[1]), "".join(seen))
