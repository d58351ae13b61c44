"""The translators' workflow: stable files, the previous English in fuzzy entries, review marks, cut labels."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n._workflow import SHIPPED
from tests.conftest import PROJECT

DATES = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"]*"\n', re.M)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the code, content and catalogs."""
    for name in ("bot", "content", "locales"):
        shutil.copytree(PROJECT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    return tmp_path


def refresh(project: Path) -> None:
    assert main(["i18n", "extract", "--project", str(project)]) == 0
    assert main(["i18n", "update", "--project", str(project)]) == 0


def files(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): p.read_bytes() for p in sorted((project / "locales").rglob("*.po*"))}


def entries(project: Path) -> dict[str, bytes]:
    """The catalogs without their source references (line numbers move with every edit of the code)."""
    return {name: re.sub(rb"^#: .*\n", b"", data, flags=re.M) for name, data in files(project).items()}


def status(project: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    capsys.readouterr()
    assert main(["i18n", "status", "--project", str(project), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_extract_and_update_of_an_unchanged_tree_change_nothing(project: Path) -> None:
    refresh(project)
    first = files(project)
    assert entries(project) == entries(PROJECT), "the shipped catalogs are what the workflow writes"
    refresh(project)
    assert files(project) == first
    pot = (project / "locales" / "ui.pot").read_text(encoding="utf-8")
    assert "#: bot/core/_render.py:" in pot and str(project) not in pot and "/work/" not in pot


def test_the_templates_are_what_plain_pybabel_writes(project: Path) -> None:
    refresh(project)
    pybabel = Path(sys.executable).parent / "pybabel"
    for domain, extra in (("ui", ["-k", "N_", "-c", "TRANSLATORS:"]), ("content", [])):
        out = project / f"{domain}.pot"
        subprocess.run([str(pybabel), "extract", "-F", f"locales/babel-{domain}.cfg", *extra, "--project", "Marhaba",
                        "--copyright-holder", "Marhaba contributors", "-o", str(out), "."],
                       cwd=project, check=True, capture_output=True)
        ours = (project / "locales" / f"{domain}.pot").read_bytes()
        assert DATES.sub(b"", out.read_bytes()) == DATES.sub(b"", ours), domain


def test_a_changed_english_text_keeps_its_previous_english_for_the_translator(project: Path) -> None:
    path = project / "content" / "health.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Health\n", "title: Health and care\n", 1), encoding="utf-8")
    refresh(project)
    po = (project / "locales" / "fr" / "LC_MESSAGES" / "content.po").read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "Health"\nmsgctxt "health.title"\nmsgid "Health and care"\nmsgstr "Santé"'
            in po)
    before = files(project)
    refresh(project)
    assert files(project) == before, "the previous English stays where it is on the next update"


def test_status_shows_which_catalogs_a_native_speaker_reviewed(project: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert not any(s["reviewed"] for s in status(project, capsys).values()), "no shipped catalog is reviewed yet"
    for domain in ("ui", "content"):
        po = project / "locales" / "ar" / "LC_MESSAGES" / f"{domain}.po"
        po.write_text(po.read_text(encoding="utf-8").replace(
            '"X-Reviewed-By-Native-Speaker: no\\n"', '"X-Reviewed-By-Native-Speaker: yes\\n"'), encoding="utf-8")
    refresh(project)  # Babel drops header fields it does not know; the workflow keeps them
    assert '"X-Reviewed-By-Native-Speaker: yes\\n"' in (
        project / "locales" / "ar" / "LC_MESSAGES" / "ui.po").read_text(encoding="utf-8")
    reviewed = {code: s["reviewed"] for code, s in status(project, capsys).items()}
    assert reviewed == {code: code == "ar" for code in SHIPPED}
    capsys.readouterr()
    assert main(["i18n", "status", "--project", str(project)]) == 0
    table = capsys.readouterr().out
    assert re.search(r"^ar .* yes$", table, re.M) and re.search(r"^fr .* no$", table, re.M)


def test_status_lists_every_label_whatsapp_would_cut(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert all(not s["cut_labels"] for s in status(project, capsys).values()), "no shipped label is cut"
    ui = project / "locales" / "fr" / "LC_MESSAGES" / "ui.po"
    ui.write_text(ui.read_text(encoding="utf-8").replace(
        'msgid "Mark as done"\nmsgstr "C\'est fait"', 'msgid "Mark as done"\nmsgstr "Marquer cette étape comme faite"'),
        encoding="utf-8")
    content = project / "locales" / "fr" / "LC_MESSAGES" / "content.po"
    content.write_text(content.read_text(encoding="utf-8").replace(
        'msgid "Health"\nmsgstr "Santé"', 'msgid "Health"\nmsgstr "Santé, médecins et hôpitaux"'), encoding="utf-8")
    cut = {c["where"]: c for c in status(project, capsys)["fr"]["cut_labels"]}
    assert cut["ui: Mark as done"] == {"label": "Marquer cette étape comme faite", "limit": 18,
                                       "where": "ui: Mark as done"}
    assert cut["health.title"]["label"] == "Santé, médecins et hôpitaux"
    # A translator's short form after || fixes both.
    ui.write_text(ui.read_text(encoding="utf-8").replace("comme faite\"", "comme faite||C'est fait\""),
                  encoding="utf-8")
    content.write_text(content.read_text(encoding="utf-8").replace("hôpitaux\"", "hôpitaux||Santé\""),
                       encoding="utf-8")
    assert status(project, capsys)["fr"]["cut_labels"] == []


def test_dari_counts_what_it_reads_from_persian(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = status(project, capsys)
    dari = data["fa_AF"]
    assert dari["percent"] == 100.0 and dari["missing"] == 0
    assert 0 < dari["inherited"] < dari["translated"] == data["fa"]["translated"]


def test_the_readme_says_what_status_says(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    complete = re.search(r"^100% translated: (.+)\. Reviewed by a native speaker: (.+)\.$", readme, re.M)
    assert complete, "README states the completeness per locale"
    data = status(PROJECT, capsys)
    assert complete.group(1).split(", ") == [code for code, s in data.items() if s["percent"] == 100.0]
    reviewed = [code for code, s in data.items() if s["reviewed"]]
    assert complete.group(2) == (", ".join(reviewed) if reviewed else "none yet")
