"""The content model: nodes of the orientation tree, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

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

    def descendants(self, node_id: str) -> Iterator[Node]:
        for child in self.nodes[node_id].children:
            yield self.nodes[child]
            yield from self.descendants(child)

    def steps(self, topic_id: str | None = None) -> list[Node]:
        """Checklist steps, all of them or those below one topic."""
        pool = self.nodes.values() if topic_id is None else self.descendants(topic_id)
        out = [n for n in pool if n.step]
        if topic_id is not None and self.nodes[topic_id].step:
            out.insert(0, self.nodes[topic_id])
        return out

    def nearest_existing(self, path: list[str]) -> str:
        """The deepest id of ``path`` (root first) that exists here; the root otherwise."""
        for node_id in reversed(path):
            if node_id in self.nodes:
                return node_id
        return ROOT_ID
