"""The terminal chat as a newcomer would script it: a real `marhaba chat` process on a pipe."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from bot.i18n import Catalogs, content_context, rtl_text
from tests.conftest import PROJECT
from tests.store import data

MARHABA = [sys.executable, "-m", "bot"]
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def chat(db: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MARHABA_DB": str(db)}
    return subprocess.run([*MARHABA, "chat", *args], input=script, capture_output=True, text=True,
                          env=env, cwd=PROJECT, timeout=60)


@pytest.mark.parametrize("lang", ["en", "ar", "fa", "ur", "tr", "fr", "ru", "uk", "kmr"])
def test_scripted_chat_in_each_language(tmp_path: Path, catalogs: Catalogs, sample_tree, lang: str) -> None:
    t = catalogs.get(lang)
    result = chat(tmp_path / "m.db", "/start\n1\n2\n1\n", "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    main_body = t.content(content_context("main", "body"), sample_tree.root.body)
    assert (rtl_text(main_body) if t.rtl else main_body) in out, "the main menu is shown in the chosen language"
    second_topic = sample_tree.topics[1]
    title = t.content(content_context(second_topic.id, 'title'), second_topic.title)
    assert f"== {rtl_text(title) if t.rtl else title} ==" in out
    if lang in ("ar", "fa", "ur"):
        assert ARABIC_SCRIPT.search(re.split(r"\[[1١۱]\]", out, maxsplit=1)[1])  # options numbered in the locale
    if lang != "en":
        assert main_body != sample_tree.root.body, f"{lang} content is translated"


def test_numbered_options_and_a_number_that_presses_nothing(tmp_path: Path) -> None:
    result = chat(tmp_path / "m.db", "/start\n1\n99\n۲\n", "--lang", "en")
    assert result.returncode == 0
    assert "[1] ✓ English" in result.stdout
    assert "There is no option 99. Type a number from 1 to 12." in result.stdout
    assert "== Life in Example City ==" in result.stdout or "== " in result.stdout.split("There is no option")[1]


def test_bengali_digits_press_options(tmp_path: Path) -> None:
    result = chat(tmp_path / "m.db", "/start\n১\n", "--lang", "bn-BD")
    assert result.returncode == 0, result.stderr
    assert "[1] ✓ বাংলা" in result.stdout, "the hint puts Bengali first"
    assert "There is no option" not in result.stdout


def test_progress_is_kept_between_two_runs(tmp_path: Path, sample_tree) -> None:
    db = tmp_path / "m.db"
    step = next(s for s in sample_tree.steps() if not s.children)
    chain = [*sample_tree.ancestors(step.id), step]
    presses = [str(parent.children.index(child.id) + 1) for parent, child in zip(chain, chain[1:], strict=False)]
    mark_done = str(len(step.children) + 1)  # the option after the children
    first = chat(db, "/start\n1\n" + "\n".join(presses) + f"\n{mark_done}\n", "--lang", "en")
    assert "Well done! This step is marked as done." in first.stdout, first.stdout[-800:]
    second = chat(db, "/progress\n")
    assert f"Your progress: 1 of {len(sample_tree.steps())} checklist steps done." in second.stdout


def test_forget_in_the_terminal_deletes_the_user(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    chat(db, "/start\n1\n1\n", "--lang", "en")
    result = chat(db, "/forget\n1\n")
    assert "deleted" in result.stdout
    assert data.file_count(db, "users") == 0
    assert data.file_count(db, "visits") == 0


def test_invalid_content_refuses_to_start_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text("id: main\ntitle: Main\nbody: Hi\nchildren: [missing]\n")
    env = {**os.environ, "MARHABA_DB": str(tmp_path / "m.db"), "MARHABA_CONTENT": str(tmp_path)}
    result = subprocess.run([*MARHABA, "chat"], input="/start\n", capture_output=True, text=True, env=env,
                            cwd=PROJECT, timeout=60)
    assert result.returncode == 1
    assert f"{tmp_path}/main.yaml:4:12: child 'missing' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_content_check_command(tmp_path: Path) -> None:
    ok = subprocess.run([*MARHABA, "content", "check"], capture_output=True, text=True, cwd=PROJECT, timeout=60)
    assert ok.returncode == 0 and "content is valid" in ok.stdout
    (tmp_path / "main.yaml").write_text("id: main\ntitle: Main\nbody: Hi\ntittle: x\n")
    bad = subprocess.run([*MARHABA, "content", "check", str(tmp_path)], capture_output=True, text=True,
                         cwd=PROJECT, timeout=60)
    assert bad.returncode == 1
    assert f"{tmp_path}/main.yaml:4:1: unknown key 'tittle' in a node; did you mean 'title'?" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_calendar_file_is_saved_and_its_path_printed(tmp_path: Path) -> None:
    files = tmp_path / "files"
    env = {**os.environ, "MARHABA_DB": str(tmp_path / "m.db")}
    script = "/start\n1\n/events\n1\n1\n"  # English, the events, the first event, "Add to my calendar"
    result = subprocess.run([*MARHABA, "chat", "--lang", "en", "--files", str(files)], input=script,
                            capture_output=True, text=True, env=env, cwd=PROJECT, timeout=60)
    assert result.returncode == 0, result.stderr
    [saved] = list(files.glob("*.ics"))
    assert f"📎 {saved} ({saved.stat().st_size} bytes)" in result.stdout
    assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_stray_enter_at_the_terminal_is_ignored(tmp_path: Path) -> None:
    """At a real terminal (a pty), an empty line gets no answer: the menu is not printed again."""
    master, slave = pty.openpty()
    env = {**os.environ, "MARHABA_DB": str(tmp_path / "m.db")}
    process = subprocess.Popen([*MARHABA, "chat", "--lang", "en"], stdin=slave, stdout=slave, stderr=slave,
                               env=env, cwd=PROJECT)
    os.close(slave)
    seen, read = b"", 0  # all output so far, and how much of it the test has already looked at

    def read_until(marker: bytes) -> bytes:
        """The output from where the last marker ended up to the end of this one."""
        nonlocal seen, read
        while marker not in seen[read:]:
            ready, _, _ = select.select([master], [], [], 30)
            assert ready, f"no {marker!r} in {seen[read:]!r}"
            seen += os.read(master, 65536)
        start, read = read, seen.index(marker, read) + len(marker)
        return seen[start:read]

    try:
        read_until("✓ English".encode())  # the language picker of /start
        os.write(master, b"1\n")
        # The picker lists 15 languages, so "[12]" is no sign of the menu: wait for the menu's title, then
        # for the prompt after it, so that nothing of the menu is left to be read with the answer to /help.
        read_until(b"== Main menu ==")
        read_until(b"\n> ")
        os.write(master, b"\n")
        os.write(master, b"/help\n")
        after = read_until(b"/forget") + read_until(b"\n> ")  # the help, its buttons and the prompt
    finally:
        process.terminate()
        process.wait(timeout=30)
        os.close(master)
    assert b"[1]" in after and after.count(b"[1]") == 1, "only the help's own button, no menu again"
    assert b"empty" not in after


def test_start_with_a_deep_link_payload_opens_that_page_in_that_language(tmp_path: Path, catalogs: Catalogs,
                                                                         sample_tree) -> None:
    result = chat(tmp_path / "m.db", "/start health-card_ar\n")
    assert result.returncode == 0, result.stderr
    title = catalogs.get("ar").content(content_context("health-card", "title"), "Get a health card")
    assert result.stdout.startswith(f"== {title} ==")


def test_a_number_as_the_first_line_of_a_new_session_presses_an_option_of_the_saved_page(
        tmp_path: Path, sample_tree) -> None:
    db = tmp_path / "m.db"
    jobs = sample_tree.topics.index(sample_tree.nodes["jobs"]) + 1
    first = chat(db, f"/start\n1\n{jobs}\n", "--lang", "en")
    assert "== Work and jobs ==" in first.stdout
    second = chat(db, "3\n")  # a new session: the terminal has shown no options yet
    third_child = sample_tree.nodes[sample_tree.nodes["jobs"].children[2]]
    assert f"== {third_child.title} ==" in second.stdout
    again = chat(db, "1.5\n")
    assert "There is no option 1.5." in again.stdout


def test_what_only_looks_like_a_number_is_counted_against_the_options_shown(tmp_path: Path) -> None:
    result = chat(tmp_path / "m.db", "/start\n1\n-1\n12abc\n", "--lang", "en")
    assert "There is no option -1. Type a number from 1 to 12." in result.stdout
    assert "There is no option 12abc. Type a number from 1 to 12." in result.stdout
