"""Load the orientation content from YAML files and validate it.

Every problem staff can make is reported as a :class:`~bot.errors.Problem`
(``file:line:col: message``), all of them at once, so an editor can fix a
whole file in one pass. The format is forgiving where that is safe (a single
string where a list is expected, unquoted times like ``9:00``) and strict
where a mistake would mislead a newcomer (phone numbers, links, map points,
references to other nodes).
"""

from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content._model import ROOT_ID, ContentTree, Details, Link, MapPoint, Node, Position
from bot.content._yaml import Y, YamlProblems, parse
from bot.errors import ContentError, Problem

MAX_FILE_BYTES = 1_000_000
"""A content file larger than this is refused (protects the bot from a runaway file)."""
MAX_ID_LENGTH = 40
"""Keeps every button payload (``n:`` + id) far below Telegram's 64-byte callback data."""
WHATSAPP_BUTTON_TITLE = 20
WHATSAPP_ROW_TITLE = 24
MAX_BODY_CHARS = 4_000
"""A page's body fits one Telegram message (4,096 characters); a longer page is a chapter: split it into
child pages. Also the limit for a body's translation (see :mod:`bot.i18n._workflow`)."""
MAX_NODES = 5_000
"""Content nodes in all; a city's orientation content has a few hundred. Keeps loading and every menu fast."""
MAX_TREE_DEPTH = 12
"""Menu levels below the main menu; nobody finds a page twelve taps deep, and tree walks stay shallow."""
EVENTS_FILE = "events.yaml"
"""Reserved for events (loaded by the broadcast module), not a content node file."""
SAFETY_FILE = "safety.yaml"
"""Reserved for the safety rules (loaded by :mod:`bot.features.safety`), not a content node file."""

NODE_KEYS = ("id", "title", "short_title", "body", "children", "see_also", "details", "step", "questions")
DETAIL_KEYS = ("address", "hours", "phone", "email", "location", "links")
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()./-]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^(https?://[^\s]+|tel:\+?[0-9 -]+|mailto:[^@\s]+@[^@\s]+)$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?$")


@dataclass
class _Raw:
    node: Node
    children: list[tuple[str, Y]]  # child ids with the place they were written
    see_also: list[tuple[str, Y]]
    inline_parent: str | None
    pos: Y
    path: str
    refs: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    tree: ContentTree
    warnings: list[Problem]
    files: list[str]


def content_files(directory: Path) -> list[Path]:
    """The content files below ``directory``, sorted (``events.yaml`` and ``safety.yaml`` excluded)."""
    reserved = (directory / EVENTS_FILE, directory / SAFETY_FILE)
    files = [p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.name != EVENTS_FILE
             and p not in reserved]
    return sorted(f for f in files if not any(part.startswith(".") for part in f.relative_to(directory).parts))


def display_path(path: Path) -> str:
    """A path as staff see it: relative to the working directory when possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def read_yaml_file(path: Path, directory: Path, problems: list[Problem]) -> Any:
    """Read and parse a staff-edited YAML file beside the content (``events.yaml``, ``safety.yaml``).

    Raises :class:`ContentError` with ``file:line:col`` problems (``problems`` included) when the file
    cannot be read or is not valid YAML; the parsed document keeps its positions.
    """
    text = read_text_file(path, directory, problems)
    if text is None:
        raise ContentError(problems)
    try:
        return parse(text, display_path(path))
    except YamlProblems as exc:
        raise ContentError(exc.problems) from None


def read_text_file(path: Path, directory: Path, problems: list[Problem]) -> str | None:
    """Read a staff-edited file safely: inside ``directory``, not too big, UTF-8."""
    shown = display_path(path)
    try:
        real = path.resolve()
        if directory.resolve() not in real.parents:
            problems.append(Problem(shown, 1, 1, "this file links to a place outside the content folder; it is not read"))
            return None
        if real.stat().st_size > MAX_FILE_BYTES:
            problems.append(Problem(shown, 1, 1, f"file is larger than {MAX_FILE_BYTES // 1000} kB; split it into smaller files"))
            return None
        data = real.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, 1, "the file is not UTF-8 text; save it as UTF-8"))
        return None


def load_content(directory: str | os.PathLike[str]) -> LoadResult:
    """Load and validate every content file below ``directory``.

    Raises :class:`~bot.errors.ContentError` listing every error; warnings
    (things that work but look wrong) come back in the result.
    """
    directory = Path(directory)
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ContentError([Problem(display_path(directory), 1, 1, "content folder not found")])
    files = content_files(directory)
    if not files:
        raise ContentError([Problem(display_path(directory), 1, 1, "no .yaml files in the content folder")])
    builder = _Builder(problems)
    unreadable: list[Problem] = []
    for path in files:
        text = read_text_file(path, directory, unreadable)
        if text is None:
            continue
        shown = display_path(path)
        try:
            doc = parse(text, shown)
        except YamlProblems as exc:
            unreadable.extend(exc.problems)
            continue
        if doc is None:
            problems.append(Problem(shown, 1, 1, "the file is empty; write a node (id, title, body) or delete the file"))
            continue
        builder.add_file(doc, shown)
    if unreadable:
        # A file that cannot be read hides its nodes: every link to them and everything below them
        # would be reported too. Report what makes files unreadable first, and skip those checks.
        note = Problem(display_path(directory), 1, 1, "links between pages and whether every page can be "
                       "reached were not checked; fix the errors above first, then check again", "note")
        raise ContentError([*sorted(unreadable, key=_order),
                            *sorted((p for p in problems if p.severity == "error"), key=_order), note])
    tree = builder.finish(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(sorted(errors, key=_order))
    warnings = sorted((p for p in problems if p.severity != "error"), key=_order)
    return LoadResult(tree=tree, warnings=warnings, files=[display_path(f) for f in files])


def _order(p: Problem) -> tuple[str, int, int]:
    return (p.path, p.line, p.col)


class _Builder:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.raw: dict[str, _Raw] = {}
        self.under_duplicate: set[str] = set()
        """Nodes written inline under a node whose id was a duplicate (and so left out)."""

    def err(self, path: str, y: Y, message: str, *, at_key: bool = False, severity: str = "error") -> None:
        line, col = y.key_pos if (at_key and y.key_pos) else (y.line, y.col)
        self.problems.append(Problem(path, line, col, message, severity))

    def add_file(self, doc: Y, path: str) -> None:
        if doc.is_list:
            for item in doc.value:
                self.add_node(item, path, None)
        elif doc.is_map:
            self.add_node(doc, path, None)
        else:
            self.err(path, doc, "a content file holds a node: a mapping with id, title and body")

    def text(self, path: str, y: Y | None, name: str, *, required: bool = False, limit: int | None = None) -> str | None:
        if y is None:
            return None
        if y.is_map or y.is_list:
            self.err(path, y, f"'{name}' must be text, not a {'list' if y.is_list else 'mapping'}")
            return None
        value = y.text()
        value = value.strip() if value is not None else None
        if not value:
            if required:
                self.err(path, y, f"'{name}' is empty; write the text", at_key=True)
            return None
        if limit is not None and len(value) > limit:
            self.err(path, y, f"'{name}' is {len(value)} characters; keep it to {limit}")
        return value

    def str_list(self, path: str, y: Y | None, name: str) -> list[tuple[str, Y]]:
        if y is None or y.value is None:
            return []
        items = y.value if y.is_list else [y]
        out: list[tuple[str, Y]] = []
        for item in items:
            value = self.text(path, item, name)
            if value:
                out.append((value, item))
        return out

    def unknown_keys(self, path: str, m: Y, allowed: tuple[str, ...], what: str) -> None:
        for key, value in m.value.items():
            if key not in allowed:
                close = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else f"; allowed keys: {', '.join(allowed)}"
                self.err(path, value, f"unknown key '{key}' in {what}{hint}", at_key=True)

    def add_node(self, m: Y, path: str, parent: str | None) -> str | None:
        if not m.is_map:
            self.err(path, m, "expected a node (a mapping with id, title and body)")
            return None
        v = m.value
        self.unknown_keys(path, m, NODE_KEYS, "a node")
        node_id = self.node_id(path, m)
        title = self.text(path, v.get("title"), "title", required=True)
        if "title" not in v:
            self.err(path, m, f"node '{node_id or '?'}' has no title; add 'title: ...'")
        short = self.text(path, v.get("short_title"), "short_title", limit=WHATSAPP_BUTTON_TITLE)
        # A menu of up to three options is shown as WhatsApp reply buttons, so any title
        # longer than a button's limit can be cut.
        if title and not short and len(title) > WHATSAPP_BUTTON_TITLE:
            self.err(path, v["title"], f"title is {len(title)} characters; WhatsApp shows only "
                     f"{WHATSAPP_BUTTON_TITLE} on a button ({WHATSAPP_ROW_TITLE} in a list): add a short_title",
                     severity="warning")
        body = self.text(path, v.get("body"), "body", limit=MAX_BODY_CHARS) or ""
        step = False
        if "step" in v:
            if isinstance(v["step"].value, bool):
                step = v["step"].value
            else:
                self.err(path, v["step"], "'step' must be yes or no (true or false)")
        details = self.details(path, v.get("details"))
        questions = self.questions(path, v.get("questions"))
        children: list[tuple[str, Y]] = []
        child_y = v.get("children")
        if child_y is not None and child_y.value is not None:
            for item in child_y.value if child_y.is_list else [child_y]:
                if item.is_map:
                    child_id = self.add_node(item, path, node_id)
                    if child_id:
                        children.append((child_id, item))
                else:
                    ref = self.text(path, item, "children")
                    if ref:
                        children.append((ref, item))
        see_also = self.str_list(path, v.get("see_also"), "see_also")
        if not body and not children and not details and title:
            self.err(path, m, f"node '{node_id}' has no body, no children and no details; write a body")
        if node_id is None or title is None:
            return node_id
        node = Node(id=node_id, title=title, body=body, short_title=short, step=step, details=details,
                    questions=questions, position=Position(path, m.line))
        if node_id in self.raw:
            first = self.raw[node_id]
            self.err(path, v["id"], f"duplicate id '{node_id}' (already used at {first.path}:{first.pos.line}); ids must be unique")
            # Its inline children have no place in the tree until the id is fixed: say nothing more about them.
            self.under_duplicate.update(child_id for child_id, item in children if item.is_map)
            return None
        self.raw[node_id] = _Raw(node, children, see_also, parent, m, path)
        return node_id

    def node_id(self, path: str, m: Y) -> str | None:
        y = m.value.get("id")
        if y is None:
            self.err(path, m, "node has no id; add 'id: a-short-name' (lowercase letters, digits, hyphens)")
            return None
        value = self.text(path, y, "id", required=True)
        if value is None:
            return None
        if not ID_RE.match(value) or len(value) > MAX_ID_LENGTH:
            suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:MAX_ID_LENGTH]
            self.err(path, y, f"id '{value}' must be lowercase letters, digits and hyphens, at most "
                     f"{MAX_ID_LENGTH} characters (for example '{suggestion}')")
            return None
        return value

    def details(self, path: str, y: Y | None) -> Details | None:
        if y is None or y.value is None:
            return None
        if not y.is_map:
            self.err(path, y, "'details' must be a mapping (address, hours, phone, email, location, links)")
            return None
        self.unknown_keys(path, y, DETAIL_KEYS, "details")
        v = y.value
        phone = self.text(path, v.get("phone"), "phone")
        if phone and not PHONE_RE.match(phone):
            self.err(path, v["phone"], f"phone '{phone}' is not a phone number (digits, spaces and an optional +)")
        email = self.text(path, v.get("email"), "email")
        if email and not EMAIL_RE.match(email):
            self.err(path, v["email"], f"email '{email}' is not an email address")
        links: list[Link] = []
        links_y = v.get("links")
        if links_y is not None and links_y.value is not None:
            for item in links_y.value if links_y.is_list else [links_y]:
                link = self.link(path, item)
                if link:
                    links.append(link)
        return Details(
            address=self.text(path, v.get("address"), "address"),
            hours=self.text(path, v.get("hours"), "hours"),
            phone=phone,
            email=email,
            location=self.location(path, v.get("location")),
            links=tuple(links),
        )

    def link(self, path: str, y: Y) -> Link | None:
        if not y.is_map:
            self.err(path, y, "a link is a mapping: {title: ..., url: https://...}")
            return None
        self.unknown_keys(path, y, ("title", "url"), "a link")
        title = self.text(path, y.value.get("title"), "title")
        url = self.text(path, y.value.get("url"), "url")
        if not url:
            self.err(path, y, "the link has no url")
            return None
        if not URL_RE.match(url):
            self.err(path, y.value["url"], f"url '{url}' must start with https://, http://, tel: or mailto:")
            return None
        return Link(title=title or url, url=url)

    def location(self, path: str, y: Y | None) -> MapPoint | None:
        if y is None or y.value is None:
            return None
        if not y.is_map or "lat" not in y.value or "lon" not in y.value:
            self.err(path, y, "'location' needs both lat and lon, for example {lat: 41.01, lon: 28.97}")
            return None
        self.unknown_keys(path, y, ("lat", "lon"), "location")
        lat, lon = y.value["lat"].value, y.value["lon"].value
        ok = True
        for name, val, bound in (("lat", lat, 90), ("lon", lon, 180)):
            if isinstance(val, bool) or not isinstance(val, int | float) or not math.isfinite(val) or abs(val) > bound:
                self.err(path, y.value[name], f"'{name}' must be a number between -{bound} and {bound}")
                ok = False
        return MapPoint(float(lat), float(lon)) if ok else None

    def questions(self, path: str, y: Y | None) -> dict[str, tuple[str, ...]]:
        if y is None or y.value is None:
            return {}
        if not y.is_map:
            self.err(path, y, "'questions' maps a language code to a list, for example  en: [where is the clinic]")
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for lang, items in y.value.items():
            if not LANG_RE.match(lang):
                self.err(path, items, f"'{lang}' is not a language code (like en, ar, fa)", at_key=True)
                continue
            out[lang.replace("-", "_")] = tuple(t for t, _ in self.str_list(path, items, f"questions.{lang}"))
        return out

    def finish(self, directory: Path) -> ContentTree:
        raw = self.raw
        if ROOT_ID not in raw:
            self.problems.append(Problem(display_path(directory), 1, 1,
                                         f"no node with id '{ROOT_ID}'; the main menu must have id: {ROOT_ID}"))
        referenced_from: dict[str, str] = {}
        for r in raw.values():
            for child_id, y in r.children:
                if child_id not in raw:
                    self.missing(r.path, y, child_id, "child")
                    continue
                child = raw[child_id]
                if child.inline_parent == r.node.id:
                    continue
                if child_id == ROOT_ID:
                    self.err(r.path, y, f"'{ROOT_ID}' is the main menu; it cannot be a child")
                elif child.inline_parent is not None:
                    self.err(r.path, y, f"'{child_id}' is already written under '{child.inline_parent}'; "
                             "use see_also to link to it")
                elif child_id in referenced_from:
                    self.err(r.path, y, f"'{child_id}' is already a child of '{referenced_from[child_id]}'; "
                             "use see_also to link to it")
                else:
                    referenced_from[child_id] = r.node.id
            for target, y in r.see_also:
                if target not in raw:
                    self.missing(r.path, y, target, "see_also")
        parents = {k: (r.inline_parent or referenced_from.get(k)) for k, r in raw.items()}
        if len(raw) > MAX_NODES:
            self.problems.append(Problem(display_path(directory), 1, 1, f"{len(raw)} nodes; at most {MAX_NODES} "
                                         "are supported (keep the content to what newcomers need)"))
        reachable: set[str] = set()
        if ROOT_ID in raw:
            stack = [(ROOT_ID, 0)]
            while stack:
                cur, depth = stack.pop()
                if cur in reachable:
                    continue
                reachable.add(cur)
                if depth == MAX_TREE_DEPTH + 1:  # reported once per branch, where it first goes too deep
                    r = raw[cur]
                    self.err(r.path, r.pos.value.get("id", r.pos),
                             f"node '{cur}' is {depth} levels below the main menu; at most {MAX_TREE_DEPTH} "
                             "are allowed (move it higher up)", at_key=False)
                stack.extend((c, depth + 1) for c, _ in raw[cur].children if c in raw and parents.get(c) == cur)
            for node_id, r in raw.items():
                if node_id not in reachable and not self._below_duplicate(node_id):
                    self.err(r.path, r.pos.value.get("id", r.pos),
                             f"node '{node_id}' cannot be reached from the main menu; "
                             "list it under a node's children", at_key=False)
        nodes: dict[str, Node] = {}
        for node_id, r in raw.items():
            kids = tuple(dict.fromkeys(c for c, _ in r.children if c in raw and parents.get(c) == node_id))
            links = tuple(dict.fromkeys(t for t, _ in r.see_also if t in raw and t != node_id))
            n = r.node
            nodes[node_id] = Node(id=n.id, title=n.title, body=n.body, short_title=n.short_title, children=kids,
                                  see_also=links, details=n.details, step=n.step, questions=n.questions,
                                  parent=parents.get(node_id), position=n.position)
        return ContentTree(nodes=nodes, source_dir=str(directory))

    def _below_duplicate(self, node_id: str | None) -> bool:
        seen: set[str] = set()
        while node_id is not None and node_id not in seen:
            if node_id in self.under_duplicate:
                return True
            seen.add(node_id)
            r = self.raw.get(node_id)
            node_id = r.inline_parent if r is not None else None
        return False

    def missing(self, path: str, y: Y, target: str, what: str) -> None:
        close = difflib.get_close_matches(target, list(self.raw), n=1, cutoff=0.7)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        self.err(path, y, f"{what} '{target}' does not exist{hint}")
