"""What the feedback feature keeps: which page a sent message showed (under a keyed hash), and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.store import RepositoryKey


@dataclass(frozen=True)
class PageScore:
    node_id: str
    locale: str
    positive: int
    negative: int


@dataclass(frozen=True)
class ShownPage:
    """The page one sent message showed, and the reaction counted for it (``1``, ``-1`` or ``0``)."""

    node_id: str
    locale: str
    reaction: int


class FeedbackRepository(Protocol):
    async def shown(self, pages: list[tuple[str, str | None, str]], now: float) -> None:
        """Remember ``(message key, node id, locale)`` (one transaction): a message shown another page starts
        without a reaction; one shown no page (``None``) is forgotten."""

    async def page(self, key: str, since: float) -> ShownPage | None:
        """The page message ``key`` showed, if it was sent (or edited) at ``since`` or later."""

    async def react(self, key: str, page: ShownPage, reaction: int) -> None:
        """Replace ``page.reaction`` of message ``key`` with ``reaction``, moving the page's counts (never below 0)."""

    async def scores(self) -> list[PageScore]:
        """Every page and language with a reaction, most reactions first."""

    async def purge(self, older_than_seconds: float, now: float) -> int:
        """Forget which page messages sent before ``now - older_than_seconds`` showed; how many."""


FEEDBACK: RepositoryKey[FeedbackRepository] = RepositoryKey("feedback")
