"""YAML tags that ask for Python objects are refused by name, with file:line:col, before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.whatsapp._config import Templates
from bot.content import load_content
from bot.errors import ConfigError, ContentError

MAIN = "id: main\ntitle: Main menu\nbody: Welcome.\nchildren: [topic]\n"
TAG_MESSAGE = "YAML tags such as !!python/\u2026 are not allowed"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("topic", "where", "shown"), [
    ("id: topic\ntitle: !!python/name:os.system\nbody: B\n", "topic.yaml:2:8", "!!python/name:os.system"),
    ("id: topic\ntitle: T\nbody: !!python/object/apply:os.system [echo hacked]\n", "topic.yaml:3:7",
     "!!python/object/apply:os.system"),
    ("id: !!python/object/new:dict {}\ntitle: T\nbody: B\n", "topic.yaml:1:5", "!!python/object/new:dict"),
    ("id: topic\ntitle: !custom T\nbody: B\n", "topic.yaml:2:8", "!custom"),
])
def test_python_tags_are_named_with_file_line_col(tmp_path: Path, topic: str, where: str, shown: str) -> None:
    (tmp_path / "main.yaml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "topic.yaml").write_text(topic, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_content(tmp_path)
    found = [str(p) for p in exc.value.problems if p.path == "topic.yaml"]
    # Only the tag: no misleading "'title' is empty" or "no node with id 'topic'" beside it.
    assert found == [f"{where}: {TAG_MESSAGE} (found {shown}); write plain text, lists and mappings"]


def test_standard_tags_that_only_name_a_type_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "topic.yaml").write_text("id: topic\ntitle: !!str 9:00\nbody: B\n", encoding="utf-8")
    assert load_content(tmp_path).tree.nodes["topic"].title == "9:00"


def test_python_tag_in_the_whatsapp_templates_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "templates.yaml"
    path.write_text("broadcast:\n  en: !!python/object/apply:os.system [id]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Templates.load(path)
    assert str(exc.value) == f"{path}:2:7: {TAG_MESSAGE}"
