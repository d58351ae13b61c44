"""The content loader: the sample is valid, and every mistake staff can make gets file:line:col."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from bot.content import ROOT_ID, load_content
from bot.errors import ContentError

TOPICS = ["language-classes", "cultural-orientation", "jobs", "community-centers", "legal", "health", "housing",
          "education", "emergency", "money", "transport", "concerns"]

MAIN = """\
id: main
title: Main menu
body: Welcome.
children: [topic]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Problems name files relative to the working directory, as staff see them.
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    directory = write(tmp_path, files)
    with pytest.raises(ContentError) as exc:
        load_content(directory)
    return [str(p) for p in exc.value.problems]


def test_sample_content_is_complete(sample_tree) -> None:
    assert [t.id for t in sample_tree.topics] == TOPICS
    assert len(sample_tree) >= 60
    depth = max(len(sample_tree.ancestors(n.id)) for n in sample_tree)
    assert depth >= 3, "the sample is at least three levels deep below the main menu"
    assert sample_tree.steps(), "the sample has checklist steps"
    for node in sample_tree:
        assert node.title.strip()
        if node.id != ROOT_ID:
            assert node.parent in sample_tree


def test_sample_every_topic_has_questions_in_six_languages(sample_tree) -> None:
    for topic in sample_tree.topics:
        for lang in ("en", "ar", "fa", "ur", "tr", "fr"):
            assert topic.questions.get(lang), f"{topic.id} has no {lang} example questions"


def test_valid_minimal_tree_loads(tmp_path: Path) -> None:
    tree = load_content(write(tmp_path, {"main.yaml": MAIN, "topic.yaml": """\
        id: topic
        title: A topic
        body: Text.
        details:
          hours: 9:00-17:00
          phone: "+90 212 555 0100"
        children:
          - id: leaf
            title: Leaf
            body: More text.
            step: yes
        """})).tree
    assert tree.nodes["leaf"].parent == "topic"
    assert tree.nodes["leaf"].step is True
    assert tree.nodes["topic"].details.hours == "9:00-17:00", "unquoted times stay text, not YAML numbers"


@pytest.mark.parametrize(
    ("topic_yaml", "expected"),
    [
        ("id: topic\ntitle: T\nbody: [unclosed\n", "topic.yaml:3:7: YAML syntax error: a list opened with [ on line 3"),
        ("id: topic\ntittle: T\nbody: B\n", "topic.yaml:2:1: unknown key 'tittle' in a node; did you mean 'title'?"),
        ("id: topic\ntitle: T\nbody: B\nstep: maybe\n", "topic.yaml:4:7: 'step' must be yes or no"),
        ("id: topic\ntitle: ''\nbody: B\n", "topic.yaml:2:1: 'title' is empty"),
        ("id: topic\nbody: B\n", "topic.yaml:1:1: node 'topic' has no title"),
        ("id: Topic One\ntitle: T\nbody: B\n", "topic.yaml:1:5: id 'Topic One' must be lowercase"),
        ("id: topic\ntitle: T\nbody: B\ntitle: U\n", "topic.yaml:4:1: duplicate key 'title' (first written on line 2)"),
        ("id: topic\ntitle: T\nbody: B\nsee_also: [nowhere]\n", "topic.yaml:4:12: see_also 'nowhere' does not exist"),
        ("id: topic\ntitle: T\nbody: B\nchildren: [topik]\n", "topic.yaml:4:12: child 'topik' does not exist; did you mean 'topic'?"),
        ("id: topic\ntitle: T\nbody: B\ndetails:\n  phone: call us\n", "topic.yaml:5:10: phone 'call us' is not a phone number"),
        ("id: topic\ntitle: T\nbody: B\ndetails:\n  links: [{title: x, url: 'javascript:alert(1)'}]\n",
         "topic.yaml:5:27: url 'javascript:alert(1)' must start with https://"),
        ("id: topic\ntitle: T\nbody: B\ndetails:\n  location: {lat: 95, lon: 10}\n",
         "topic.yaml:5:19: 'lat' must be a number between -90 and 90"),
        ("id: topic\ntitle: T\nbody: B\ndetails:\n  location: {lat: 41}\n", "topic.yaml:5:13: 'location' needs both lat and lon"),
        ("id: topic\ntitle: T\nbody: B\ndetails:\n  adress: 1 Main St\n",
         "topic.yaml:5:3: unknown key 'adress' in details; did you mean 'address'?"),
        ("id: topic\ntitle: [a, b]\nbody: B\n", "topic.yaml:2:8: 'title' must be text, not a list"),
        ("id: topic\ntitle: T\n", "topic.yaml:1:1: node 'topic' has no body, no children and no details"),
        ("id: topic\ntitle: &t T\nbody: *t\n", "topic.yaml:2:8: anchors and aliases (& and *) are not supported"),
        ("id: topic\ntitle: T\nbody: B\nquestions:\n  english: [hi]\n", "topic.yaml:5:3: 'english' is not a language code"),
        ("id: topic\n\ttitle: T\n", "topic.yaml:2:1: YAML syntax error"),
        ("", "topic.yaml:1:1: the file is empty"),
    ],
)
def test_each_content_error_is_reported_with_file_line_col(tmp_path: Path, topic_yaml: str, expected: str) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN, "topic.yaml": topic_yaml})
    assert any(p.startswith(expected) for p in found), found


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN + "  - {id: topic, title: X, body: Y}\n".replace("  -", "#"),
                                "topic.yaml": "id: topic\ntitle: T\nbody: B\n",
                                "other.yaml": "id: topic\ntitle: T2\nbody: B2\n"})
    assert any(p.startswith("topic.yaml:1:5: duplicate id 'topic' (already used at other.yaml:1)") for p in found), found


def test_unreachable_node_is_reported(tmp_path: Path) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN, "topic.yaml": "id: topic\ntitle: T\nbody: B\n",
                                "lost.yaml": "id: lost\ntitle: L\nbody: B\n"})
    assert found == ["lost.yaml:1:5: node 'lost' cannot be reached from the main menu; list it under a node's children"]


def test_node_may_have_only_one_parent(tmp_path: Path) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN.replace("[topic]", "[topic, other]"),
                                "topic.yaml": "id: topic\ntitle: T\nbody: B\nchildren: [shared]\n",
                                "other.yaml": "id: other\ntitle: O\nbody: B\nchildren: [shared]\n",
                                "shared.yaml": "id: shared\ntitle: S\nbody: B\n"})
    assert any("'shared' is already a child of" in p for p in found), found


def test_missing_main_menu(tmp_path: Path) -> None:
    found = problems(tmp_path, {"topic.yaml": "id: topic\ntitle: T\nbody: B\n"})
    assert any("no node with id 'main'" in p for p in found)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    write(tmp_path, {"main.yaml": MAIN})
    (tmp_path / "topic.yaml").write_bytes("id: topic\ntitle: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ContentError) as exc:
        load_content(tmp_path)
    assert any("topic.yaml:2:1: the file is not UTF-8" in str(p) for p in exc.value.problems)


def test_link_leaving_the_content_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: topic\ntitle: T\nbody: B\n")
    content = write(tmp_path / "content", {"main.yaml": MAIN})
    os.symlink(outside, content / "topic.yaml")
    with pytest.raises(ContentError) as exc:
        load_content(content)
    assert any("links to a place outside the content folder" in str(p) for p in exc.value.problems)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN, "topic.yaml": "id: topic\ntitle: T\nbody: " + "x" * 1_100_000 + "\n"})
    assert any("topic.yaml:1:1: file is larger than" in p for p in found)


def test_long_title_without_short_title_is_a_warning(tmp_path: Path) -> None:
    result = load_content(write(tmp_path, {"main.yaml": MAIN, "topic.yaml":
                                           "id: topic\ntitle: A rather long title for a button\nbody: B\n"}))
    assert [str(w) for w in result.warnings] == [
        "topic.yaml:2:8: warning: title is 32 characters; WhatsApp shows only 20 on a button (24 in a list): "
        "add a short_title"]


def test_title_cut_on_a_whatsapp_button_is_a_warning(tmp_path: Path) -> None:
    result = load_content(write(tmp_path, {"main.yaml": MAIN, "topic.yaml":
                                           "id: topic\ntitle: Twenty-two characters\nbody: B\n"}))
    assert [w.line for w in result.warnings] == [2]
    ok = load_content(write(tmp_path, {"topic.yaml": "id: topic\ntitle: Twenty-two characters\n"
                                                     "short_title: Twenty-two\nbody: B\n"}))
    assert ok.warnings == []


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, {"main.yaml": MAIN, "topic.yaml": "id: topic\ntittle: T\nbody: B\nsee_also: [x]\n"})
    assert len(found) >= 3, found
