"""Content safety: hostile YAML is refused with file:line before it can crash or stall the loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import _yaml, load_content
from bot.content._loader import MAX_TREE_DEPTH
from bot.content._yaml import MAX_NESTING, YamlProblems, parse
from bot.errors import ContentError

MAIN = "id: main\ntitle: Main menu\nbody: Welcome.\nchildren: [n0]\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def load_problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_content(tmp_path)
    return [str(p) for p in exc.value.problems if p.severity == "error"]  # not the note on skipped checks


def test_deeply_nested_yaml_is_refused_instead_of_crashing_the_process(tmp_path: Path) -> None:
    # 100,000 nested lists (200 kB) overflowed libyaml's composer: a segmentation fault, not an error.
    leaf = "id: n0\ntitle: Leaf\nbody: Text.\n"
    for depth in (MAX_NESTING + 1, 5_000, 100_000):
        bomb = "[" * depth + "]" * depth
        found = load_problems(tmp_path, {"main.yaml": MAIN, "n0.yaml": leaf, "bomb.yaml": bomb})
        assert len(found) == 1 and found[0].startswith("bomb.yaml:1:")
        assert found[0].endswith(f"nested more than {MAX_NESTING} levels deep; flatten the file")


def test_nesting_is_counted_for_mappings_and_block_style_too() -> None:
    ok = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_NESTING)) + "  " * MAX_NESTING + "v\n"
    assert parse(ok, "ok.yaml") is not None
    deep = "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_NESTING + 1)) + "  " * (MAX_NESTING + 1) + "v\n"
    with pytest.raises(YamlProblems) as exc:
        parse(deep, "deep.yaml")
    assert str(exc.value.problems[0]).startswith(f"deep.yaml:{MAX_NESTING + 1}:")


def test_too_many_values_in_one_file_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_yaml, "MAX_VALUES", 100)
    with pytest.raises(YamlProblems, match="more than 100 values"):
        parse("[" + ", ".join("x" for _ in range(200)) + "]", "many.yaml")
    assert parse("[" + ", ".join("x" for _ in range(90)) + "]", "few.yaml") is not None


def test_a_menu_chain_deeper_than_the_limit_is_an_error_at_the_first_node_too_deep(tmp_path: Path) -> None:
    chain = MAX_TREE_DEPTH + 5
    files = {"main.yaml": MAIN}
    for i in range(chain):
        children = f"children: [n{i + 1}]\n" if i + 1 < chain else ""
        files[f"n{i}.yaml"] = f"id: n{i}\ntitle: Node {i}\nbody: Text.\n{children}"
    found = load_problems(tmp_path, files)
    assert found == [f"n{MAX_TREE_DEPTH}.yaml:1:5: node 'n{MAX_TREE_DEPTH}' is {MAX_TREE_DEPTH + 1} levels below "
                     f"the main menu; at most {MAX_TREE_DEPTH} are allowed (move it higher up)"]


def test_the_sample_content_is_within_every_limit(sample_tree) -> None:
    depth = max(len(sample_tree.ancestors(n.id)) for n in sample_tree)
    assert depth <= MAX_TREE_DEPTH


def test_a_body_longer_than_one_message_is_refused(tmp_path: Path) -> None:
    from bot.content._loader import MAX_BODY_CHARS

    leaf = f"id: n0\ntitle: Leaf\nbody: {'a' * (MAX_BODY_CHARS + 1)}\n"
    found = load_problems(tmp_path, {"main.yaml": MAIN, "n0.yaml": leaf})
    assert found == [f"n0.yaml:3:7: 'body' is {MAX_BODY_CHARS + 1} characters; keep it to {MAX_BODY_CHARS}"]
