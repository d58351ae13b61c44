"""``marhaba chat`` survives thousands of random lines on a pipe: exit code 0, no traceback, a sound database."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from bot.content import load_content
from tests.conftest import SAMPLE_CONTENT
from tests.hardening.conftest import HOSTILE_CHARS, integrity, sane_users

TREE = load_content(SAMPLE_CONTENT).tree
LINES = 3000
SEED = 20240607


def random_lines(rng: random.Random) -> bytes:
    """Option numbers (also in Persian digits), commands, hostile text, invalid UTF-8 and 100 kB lines."""
    chars = HOSTILE_CHARS.replace("\n", "")
    out = []
    for _ in range(LINES):
        kind = rng.random()
        if kind < 0.45:
            line = str(rng.randint(0, 14)).encode()
        elif kind < 0.5:
            line = rng.choice(["۱", "٢", "۰", "99999", "-1", "1.5", "0x1"]).encode()
        elif kind < 0.65:
            line = ("/" + rng.choice(["start", "menu", "back", "language", "progress", "help", "forget", "x"])
                    + rng.choice(["", " ", " " + chars[rng.randrange(len(chars))] * 3])).encode("utf-8", "surrogatepass")
        elif kind < 0.9:
            line = "".join(rng.choice(chars) for _ in range(rng.randint(0, 60))).encode("utf-8", "surrogatepass")
        elif kind < 0.97:
            line = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))).replace(b"\n", b" ")
        else:
            line = rng.choice([b"a", "\u202e".encode(), "ب".encode(), b"\x00"]) * 100_000
        out.append(line)
    return b"\n".join(out) + b"\n"


def test_terminal_chat_survives_thousands_of_random_lines(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARHABA_")}
    env.update(MARHABA_DB=str(db), MARHABA_ENV_FILE="", MARHABA_LOG_LEVEL="WARNING")
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "fa-IR"],
                            input=random_lines(random.Random(SEED)), env=env, cwd=tmp_path,
                            capture_output=True, timeout=120)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr and "ERROR" not in stderr
    stdout = result.stdout.decode("utf-8")
    assert stdout.count("[1] ") > LINES // 4  # the chat kept answering with menus to the end
    assert integrity(db) == []
    assert sane_users(db, TREE) == []
