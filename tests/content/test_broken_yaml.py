"""`marhaba content check` on broken YAML, as a staff member breaks it: the real sample, one edit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT, SAMPLE_CONTENT


def check_after(tmp_path: Path, file: str, edit, **more) -> list[str]:
    """Copy the sample, change ``file`` with ``edit(lines)`` (and ``more`` files likewise), run the check.

    Returns its error lines, paths relative to the content folder.
    """
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    for name, change in {file: edit, **{f"{k}.yaml": v for k, v in more.items()}}.items():
        path = content / name
        lines = path.read_text(encoding="utf-8").split("\n")
        change(lines)
        path.write_text("\n".join(lines), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot", "content", "check", str(content)], capture_output=True,
                          text=True, cwd=PROJECT, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    return [line.replace(str(content) + "/", "").replace(str(content), "content")
            for line in done.stderr.splitlines()]


def line_of(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def test_an_unclosed_quote_is_named_at_the_line_it_opens_and_alone(tmp_path: Path) -> None:
    opened = 0

    def unclose(lines: list[str]) -> None:
        nonlocal opened
        opened = line_of(lines, '      hours: "')
        lines[opened] = lines[opened].rstrip('"')

    out = check_after(tmp_path, "health.yaml", unclose)
    col = out[0].split(":")[2]
    assert out[0] == (f'health.yaml:{opened + 1}:{col}: YAML syntax error: a quote (") opened on line {opened + 1} '
                      'is not closed; end the text with " on the same line')
    assert out[0].index('"') and int(col) == len('      hours: "')
    assert out[1].startswith("content:1:1: note:") and "not checked" in out[1]
    assert out[2] == "1 error in the content; nothing was changed.", "no knock-on errors from other files"


def test_a_tab_is_named_plainly_at_its_line(tmp_path: Path) -> None:
    at = 0

    def tab(lines: list[str]) -> None:
        nonlocal at
        at = line_of(lines, "    title: Get a health card")
        lines[at] = "\t" + lines[at].lstrip()

    out = check_after(tmp_path, "health.yaml", tab)
    assert out[0] == f"health.yaml:{at + 1}:1: YAML syntax error: line {at + 1} is indented with a tab; indent with spaces only"
    assert len(out) == 3 and out[2].startswith("1 error")


def test_syntax_errors_come_before_other_files_errors(tmp_path: Path) -> None:
    def misspell(lines: list[str]) -> None:
        lines[line_of(lines, "title:")] = lines[line_of(lines, "title:")].replace("title:", "titel:")

    out = check_after(tmp_path, "transport.yaml", lambda lines: lines.insert(1, "title2: [unclosed"), jobs=misspell)
    assert out[0] == ("transport.yaml:2:9: YAML syntax error: a list opened with [ on line 2 is not closed; "
                      "end it with ] on the same line")
    assert out[1].startswith("jobs.yaml:") and "titel" in "\n".join(out[1:-2])
    assert out[-2].startswith("content:1:1: note:")
    assert not any("does not exist" in line or "cannot be reached" in line for line in out)


def test_a_duplicated_id_is_reported_alone(tmp_path: Path) -> None:
    at = 0

    def duplicate(lines: list[str]) -> None:
        nonlocal at
        at = line_of(lines, "  - id: health-clinics")
        lines[at] = "  - id: health-card"

    out = check_after(tmp_path, "health.yaml", duplicate)
    assert out[0].startswith(f"health.yaml:{at + 1}:9: duplicate id 'health-card' (already used at ")
    assert "cannot be reached" not in "\n".join(out)
    assert out[1] == "1 error in the content; nothing was changed."
