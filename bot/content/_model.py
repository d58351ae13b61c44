"""The content model: nodes of the orientation tree, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

ROOT_ID = "main"


@dataclass(frozen=True)
class Position:
    """Where something was written: a content file and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Details:
    """Practical details of a place or service. ``hours`` and link titles are translated."""

    address: str | None = None
    hours: str | None = None
    phone: str | None = None
    email: str | None = None
    location: MapPoint | None = None
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Node:
    """One node of the orientation tree.

    ``title``, ``short_title``, ``body``, ``details.hours`` and link titles are
    English source texts; :class:`bot.i18n.Translator` gives them in a locale.
    ``questions`` are example questions per language, written by staff.
    """

    id: str
    title: str
    body: str = ""
    short_title: str | None = None
    children: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    details: Details | None = None
    step: bool = False
    questions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    parent: str | None = None
    position: Position | None = None


@dataclass(frozen=True)
class ContentTree:
    """A validated, immutable content tree. Swapping content means swapping trees."""

    nodes: Mapping[str, Node]
    source_dir: str = ""

    @property
    def root(self) -> Node:
        return self.nodes[ROOT_ID]

    def get(self, node_id: str | None) -> Node | None:
        return self.nodes.get(node_id) if node_id else None

    def __contains__(self, node_id: object) -> bool:
        return node_id in self.nodes

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def topics(self) -> tuple[Node, ...]:
        """The top-level topics, in menu order."""
        return tuple(self.nodes[c] for c in self.root.children)

    def ancestors(self, node_id: str) -> list[Node]:
        """The chain from the root down to (excluding) the node."""
        chain: list[Node] = []
        node = self.nodes.get(node_id)
        while node is not None and node.parent is not None:
            node = self.nodes[node.parent]
            chain.append(node)
        return list(reversed(chain))

    def topic_of(self, node_id: str) -> Node | None:
        """The top-level topic a node belongs to (the node itself for a topic)."""
        node = self.nodes.get(node_id)
        if node is None or node.id == ROOT_ID:
            return None
        while node.parent is not None and node.parent != ROOT_ID:
            node = self.nodes[node.parent]
        return node

    def descendants(self, node_id: str) -> tuple[Node, ...]:
        """Every node below ``node_id``, depth first (computed once per tree)."""
        return self._descendants[node_id]

    @cached_property
    def _descendants(self) -> dict[str, tuple[Node, ...]]:
        out: dict[str, tuple[Node, ...]] = {}

        def walk(node_id: str) -> tuple[Node, ...]:
            below: list[Node] = []
            for child in self.nodes[node_id].children:
                below.append(self.nodes[child])
                below.extend(walk(child))
            out[node_id] = tuple(below)
            return out[node_id]

        walk(ROOT_ID)
        for node_id in self.nodes:
            out.setdefault(node_id, ())
        return out

    def subtree_ids(self, node_id: str) -> frozenset[str]:
        """The ids of a node and every node below it (computed once per tree)."""
        return self._subtree_ids[node_id]

    @cached_property
    def _subtree_ids(self) -> dict[str, frozenset[str]]:
        return {k: frozenset((k, *(n.id for n in v))) for k, v in self._descendants.items()}

    def steps(self, topic_id: str | None = None) -> tuple[Node, ...]:
        """Checklist steps, all of them or those of one topic (the topic itself first)."""
        return self._steps[topic_id]

    @cached_property
    def _steps(self) -> dict[str | None, tuple[Node, ...]]:
        out: dict[str | None, tuple[Node, ...]] = {None: tuple(n for n in self.nodes.values() if n.step)}
        for node_id, node in self.nodes.items():
            out[node_id] = tuple(n for n in (node, *self.descendants(node_id)) if n.step)
        return out

    def nearest_existing(self, path: list[str]) -> str:
        """The deepest id of ``path`` (root first) that exists here; the root otherwise."""
        for node_id in reversed(path):
            if node_id in self.nodes:
                return node_id
        return ROOT_ID
