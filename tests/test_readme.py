"""The README's commands do what the README says.

Every ``marhaba`` command line in it must be accepted by the real argument parser (a renamed
flag breaks this test, not a reader), and the ones that run offline are run for real.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
_MARHABA = re.compile(r"^(?:\.venv/bin/)?marhaba(?=\s)|^scripts/chat(?=\s)")


def _commands() -> list[str]:
    """Every ``marhaba ...`` command line: in ``sh`` blocks and in inline code."""
    lines: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        lines += [line.split("  #")[0].strip() for line in block.splitlines()]
    lines += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", README, flags=re.S))
    found = []
    for line in lines:
        line = line.split("|")[-1].strip()  # the command a pipe feeds
        line = re.sub(r"\[([^\]]*)\]", r"\1", line)  # optional parts in brackets: check them too
        line = re.sub(r"^(?:[A-Z_]+=\S+\s+)+", "", line)  # VAR=value prefixes
        if _MARHABA.match(line) and "…" not in line and line not in found:
            found.append(line)
    return found


COMMANDS = _commands()


def test_the_readme_has_commands_to_check() -> None:
    assert len(COMMANDS) > 15 and any(c.startswith("scripts/chat") for c in COMMANDS)
    assert any(c.startswith("marhaba content links --out") for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_readme_command_is_accepted_by_the_parser(command: str) -> None:
    argv = shlex.split(command.split(">")[0])[1:]
    if command.startswith("scripts/chat"):  # the script passes its arguments to `marhaba chat`
        argv = ["chat", *argv]
    args = build_parser().parse_args(argv)  # exits (fails the test) on an unknown command or flag
    assert getattr(args, "func", None) is not None, command


def run(command: str, tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``command`` as the README writes it, with a fresh database and home folder."""
    env = {**os.environ, "HOME": str(tmp_path), "MARHABA_DB": str(tmp_path / "m.db"), "MARHABA_ENV_FILE": ""}
    env.pop("MARHABA_CONTENT", None)
    argv = [sys.executable, "-m", "bot", *shlex.split(_MARHABA.sub("", command))]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def test_the_scripted_chat_example_chats_in_arabic_and_opens_the_second_topic(tmp_path: Path, catalogs,
                                                                              sample_tree) -> None:
    example = next(c for c in re.findall(r"`(printf [^`]+)`", README))
    script, _, command = example.partition("|")
    lines = shlex.split(script)[1].encode().decode("unicode_escape")
    second = sample_tree.topics[1]
    title = catalogs.get("ar").content(f"{second.id}.title", second.title)
    assert f'"{title}"' in README, "the README names the topic the example opens"
    for _ in range(2):  # and it does the same when run again
        result = run(command.strip(), tmp_path, stdin=lines)
        assert result.returncode == 0, result.stderr
        assert f"== {title} ==" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [
    c for c in COMMANDS
    if re.match(r"(?:\.venv/bin/)?marhaba (content check$|content schema|i18n status|stats|ask \"|questions unanswered"
                r"|broadcast list|privacy purge|content links)", c)
])
def test_readme_commands_that_run_offline_succeed(command: str, tmp_path: Path) -> None:
    command, _, _redirect = command.partition(">")
    if "stats" in command:  # it reads an existing database
        assert run("marhaba chat --lang en", tmp_path, stdin="/start\n1\n").returncode == 0
    result = run(command.strip(), tmp_path)
    gated = "--require" in command  # exits 1 below the threshold, as the README says
    assert result.returncode in ((0, 1) if gated else (0,)), result.stderr
    assert "Traceback" not in result.stderr and result.stdout.strip()
