"""Safe YAML reading that keeps the line and column of every value.

Staff edit YAML by hand, so every problem must point at ``file:line:col``.
PyYAML's *composed* node graph keeps positions; this module turns it into
plain values wrapped in :class:`Y` without ever constructing arbitrary Python
objects (only the safe loader's resolver is used). Duplicate keys and
anchors/aliases are reported rather than silently merged or expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from bot.errors import Problem


@dataclass
class Y:
    """A YAML value with its position (1-based line and column).

    ``value`` is a ``dict[str, Y]``, a ``list[Y]``, or a scalar. ``raw`` is a
    scalar's source text, so that ``hours: 9:00`` stays the text ``"9:00"``
    instead of YAML 1.1's sexagesimal number 540. ``key_pos`` is where a
    mapping value's key stands.
    """

    value: Any
    line: int
    col: int
    raw: str | None = None
    key_pos: tuple[int, int] | None = None
    tag: str = ""
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    def text(self) -> str | None:
        """The value as text when it is a scalar (raw source for plain scalars)."""
        if isinstance(self.value, dict | list):
            return None
        if self.value is None and self.raw in ("", "~", "null", "Null", "NULL"):
            return None
        return self.raw if self.raw is not None else str(self.value)


MAX_NESTING = 64
"""Lists and mappings inside each other; real content needs about 8. Deeper YAML crashes the composer
(libyaml's recursion overflows the C stack near 10,000 levels, Python's near 1,000), so it is refused first."""
MAX_VALUES = 200_000
"""Values in one file: far above what a 1 MB file of real content holds (about 10 bytes a value)."""

_STANDARD_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
"""Explicit tags that only say what a value already is (``!!str 9:00``). Every other tag (``!!python/name:``,
``!!python/object/apply``, ``!custom``) asks a loader to build an object: refused before anything is built."""

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (10x faster); both keep line and column."""


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def parse(text: str, path: str) -> Y | None:
    """Parse one YAML document; raise :class:`YamlProblems` with positions on error."""
    _check_shape(text, path)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            raise YamlProblems([syntax_problem(text, path, line, col, exc.problem or "invalid YAML")]) from None
        except yaml.YAMLError as exc:
            raise YamlProblems([Problem(path, 1, 1, f"YAML error: {exc}")]) from None
        if node is None:
            return None
        problems: list[Problem] = []
        result = _convert(node, loader, path, problems, set())
        if problems:
            raise YamlProblems(problems)
        return result
    finally:
        loader.dispose()


def _check_shape(text: str, path: str) -> None:
    """Refuse too deep or too many values, and object tags, by reading the event stream (no recursion)."""
    depth = values = 0
    tags: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in _STANDARD_TAGS:
                line, col = _position(event.start_mark)
                tags.append(Problem(path, line, col,
                                    f"YAML tags such as !!python/… are not allowed (found {_short_tag(tag)}); "
                                    "write plain text, lists and mappings"))
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise YamlProblems([_too_deep(path, event.start_mark)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.NodeEvent):
                values += 1
                if values > MAX_VALUES:
                    line, col = _position(event.start_mark)
                    raise YamlProblems([Problem(path, line, col,
                                                f"more than {MAX_VALUES} values in one file; split it into smaller files")])
    except yaml.MarkedYAMLError as exc:
        # libyaml >= 0.2.5 stops at 1,000 levels while scanning ahead; say the same as above.
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            raise YamlProblems([_too_deep(path, exc.problem_mark)]) from None
        pass  # the composer reports syntax errors with their position
    except yaml.YAMLError:
        pass
    if tags:
        raise YamlProblems(tags)


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/name:os.system`` as it was written: ``!!python/name:os.system`` (cut at 60)."""
    shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
    return shown[:60]


class _Mark(Protocol):
    """A position in the text, as PyYAML's and libyaml's marks both give it (0-based)."""

    line: int
    column: int


def _position(mark: _Mark | None) -> tuple[int, int]:
    """A mark's 1-based line and column; (1, 1) for an event without one."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _too_deep(path: str, mark: _Mark | None) -> Problem:
    return Problem(path, *_position(mark),
                   f"lists and mappings are nested more than {MAX_NESTING} levels deep; flatten the file")


SYNTAX = "YAML syntax error"
"""Every message of a file that could not be read starts with this (see :func:`syntax_problem`)."""

_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)*(?:[^\s"'#][^:#]*:\s+)?(?:-\s+)*(["'])""")


def syntax_problem(text: str, path: str, line: int, col: int, problem: str) -> Problem:
    """The parser's complaint in plain words, at the line where the mistake is (not where it noticed)."""
    lines = text.splitlines()
    quote = _unclosed_quote(lines[:line])
    if quote is not None:
        at, column, mark = quote
        return Problem(path, at, column, f"{SYNTAX}: a quote ({mark}) opened on line {at} is not closed; "
                       f"end the text with {mark} on the same line")
    for number in range(min(line, len(lines)), 0, -1):
        indent = lines[number - 1][: len(lines[number - 1]) - len(lines[number - 1].lstrip())]
        if "\t" in indent:
            return Problem(path, number, indent.index("\t") + 1, f"{SYNTAX}: line {number} is indented with a tab; "
                           "indent with spaces only")
    if "expected ',' or ']'" in problem:
        opened = next((n for n in range(min(line, len(lines)), 0, -1)
                       if "[" in lines[n - 1] and "]" not in lines[n - 1]), None)
        if opened is not None:
            return Problem(path, opened, lines[opened - 1].index("[") + 1, f"{SYNTAX}: a list opened with [ on "
                           f"line {opened} is not closed; end it with ] on the same line")
    for jargon, plain in _PLAIN.items():
        if jargon in problem:
            return Problem(path, line, col, f"{SYNTAX}: {plain}")
    return Problem(path, line, col, f"{SYNTAX}: {problem}")


_PLAIN = {
    "tab": "a tab is used to indent; indent with spaces only",
    "mapping values are not allowed": "a text contains ': '; put the whole text in quotes",
    "could not find expected ':'": "a key has no ':' after it; check the indentation and that each key ends with ':'",
    "did not find expected key": "this line is not indented like the lines above it; check the spaces at its start",
    "did not find expected '-' indicator": "this list item is not indented like the ones above it",
    "expected <block end>": "this line is not indented like the lines above it; check the spaces at its start",
    "found unexpected end of stream": "the file ends in the middle of a value; check the last lines",
}


def _unclosed_quote(lines: list[str]) -> tuple[int, int, str] | None:
    """The last value before the error that opens a quote and does not close it on its line.

    A quoted text may go on over several lines; it was left open by mistake when the next
    line with that quote mark starts a value of its own (or no line closes it).
    """
    found = None
    for number, line in enumerate(lines, 1):
        match = _OPENING_QUOTE.match(line)
        if match is None or _closes(line[match.end(1):], match[1]):
            continue
        mark = match[1]
        closing = next((later for later in lines[number:] if mark in later), None)
        if closing is None or _OPENING_QUOTE.match(closing):
            found = (number, match.end(1), mark)
    return found


def _closes(rest: str, mark: str) -> bool:
    i = 0
    while i < len(rest):
        ch = rest[i]
        if mark == '"' and ch == "\\":
            i += 2
            continue
        if ch == mark:
            if mark == "'" and rest[i + 1: i + 2] == "'":  # '' is a quote inside single quotes
                i += 2
                continue
            return True
        i += 1
    return False


def _convert(node: yaml.Node, loader: yaml.SafeLoader, path: str, problems: list[Problem], seen: set[int]) -> Y:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if id(node) in seen:
        problems.append(Problem(path, line, col, "anchors and aliases (& and *) are not supported; write the text out"))
        return Y(None, line, col)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Y] = {}
        keys: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            kline, kcol = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(path, kline, kcol, "a key must be a plain word"))
                continue
            key = str(key_node.value).strip()
            if key == "<<":
                problems.append(Problem(path, kline, kcol, "merge keys (<<) are not supported"))
                continue
            if key in out:
                first = keys[key]
                problems.append(
                    Problem(path, kline, kcol, f"duplicate key '{key}' (first written on line {first[0]}); keep only one")
                )
                continue
            value = _convert(value_node, loader, path, problems, seen)
            value.key_pos = (kline, kcol)
            out[key] = value
            keys[key] = (kline, kcol)
        return Y(out, line, col, tag="map", keys=keys)
    if isinstance(node, yaml.SequenceNode):
        return Y([_convert(n, loader, path, problems, seen) for n in node.value], line, col, tag="list")
    assert isinstance(node, yaml.ScalarNode)
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        value = node.value
    raw = node.value
    return Y(value, line, col, raw=raw, tag="scalar")
