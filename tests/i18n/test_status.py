"""``marhaba i18n``: a changed English source turns its translations fuzzy, and status says where."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n import Catalogs
from bot.i18n._workflow import SHIPPED, read_catalog
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the code, content and catalogs, extracted and updated once before any edit."""
    root = tmp_path_factory.mktemp("project")
    for name in ("bot", "content", "locales"):
        shutil.copytree(PROJECT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    assert main(["i18n", "extract", "--project", str(root)]) == 0
    assert main(["i18n", "update", "--project", str(root)]) == 0
    return root


def status(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["i18n", "status", "--project", str(project), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_changing_a_node_body_makes_status_report_it_fuzzy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = status(project, capsys)
    assert set(before) == set(SHIPPED)
    assert all("cultural-orientation" not in s["fuzzy_nodes"] for s in before.values())

    path = project / "content" / "cultural-orientation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("its own customs and rules", "its own customs, laws and rules", 1), encoding="utf-8")
    assert main(["i18n", "extract", "--project", str(project)]) == 0
    assert main(["i18n", "update", "--project", str(project)]) == 0

    _, after = status(project, capsys)
    for locale, s in after.items():
        if "cultural-orientation" in before[locale]["missing_nodes"]:
            continue  # a catalog not translated yet (a new language) has nothing to turn fuzzy
        assert s["fuzzy_nodes"].get("cultural-orientation") == ["body"], locale
        assert s["fuzzy"] == before[locale]["fuzzy"] + 1
        assert s["translated"] == before[locale]["translated"] - 1

    capsys.readouterr()
    assert main(["i18n", "status", "--project", str(project)]) == 0
    assert "ar fuzzy (English changed): cultural-orientation (body)" in capsys.readouterr().out

    # A fuzzy entry is not compiled: Arabic users see the new English text until a translator confirms it.
    assert main(["i18n", "compile", "--project", str(project)]) == 0
    sources = {m.context: m.id for m in read_catalog(project / "locales" / "content.pot")}
    t = Catalogs(project / "locales").get("ar")
    new_body = sources["cultural-orientation.body"]
    assert "customs, laws and rules" in new_body
    assert t.content("cultural-orientation.body", new_body) == new_body
    assert t.content("cultural-orientation.title", sources["cultural-orientation.title"]) != \
        sources["cultural-orientation.title"]


def test_require_exits_non_zero_below_the_bar(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = status(project, capsys, "--locales", "ar,fr", "--require", "100")
    assert set(data) == {"ar", "fr"}
    assert code == (1 if any(s["percent"] < 100 for s in data.values()) else 0)
    lowest = min(s["percent"] for s in data.values())
    code, _ = status(project, capsys, "--locales", "ar,fr", "--require", str(lowest))
    assert code == 0
    code, _ = status(project, capsys, "--locales", "ar,fr", "--require", str(min(100, lowest + 0.5)))
    assert code == 1


def test_an_unknown_locale_is_a_clear_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["i18n", "status", "--project", str(project), "--locales", "xx"]) == 2
    assert "unknown locale xx" in capsys.readouterr().err


def test_status_says_whether_a_native_speaker_reviewed_each_locale(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, before = status(project, capsys)
    assert before["ru"]["native_review"] == "no", "the Russian catalogs are not reviewed yet, and say so"
    assert before["ar"]["native_review"] == "not recorded"
    for domain in ("ui", "content"):
        po = project / "locales" / "ar" / "LC_MESSAGES" / f"{domain}.po"
        po.write_text(po.read_text(encoding="utf-8").replace(
            "#\nmsgid \"\"", "# Native-Review: yes (Layla H., 2026-12-01)\n#\nmsgid \"\"", 1), encoding="utf-8")
    # The field is a comment: pybabel keeps it through an update, which drops unknown headers.
    assert main(["i18n", "update", "--project", str(project), "--locales", "ar"]) == 0
    _, after = status(project, capsys)
    assert after["ar"]["native_review"] == "yes"
    capsys.readouterr()
    assert main(["i18n", "status", "--project", str(project)]) == 0
    table = capsys.readouterr().out
    assert "native review" in table.splitlines()[0]
    assert next(line for line in table.splitlines() if line.startswith("ar ")).endswith("yes")
    assert next(line for line in table.splitlines() if line.startswith("uk ")).endswith("  no")
