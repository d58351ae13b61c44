"""What the usage feature keeps: counters per week, per language and per page, naming nobody."""

from __future__ import annotations

from typing import Protocol

from bot.store import RepositoryKey


class UsageRepository(Protocol):
    async def record_question(self, week: str, locale: str, answered: bool) -> None:
        """One more question in ``week``, and for ``locale`` one more answered (or "not sure")."""

    async def record_handoff(self, node_id: str) -> None:
        """One more request for a person made from page ``node_id``."""

    async def count_active(self, week: str, since: float) -> None:
        """Raise ``week``'s active people to those seen since ``since``, if that is more (it never shrinks)."""

    async def weeks(self, limit: int) -> list[tuple[str, int, int]]:
        """(week, active people, questions) of the latest ``limit`` weeks recorded, latest first."""

    async def outcomes(self) -> list[tuple[str, int, int]]:
        """(locale, answered, "not sure") per language, most questions first, then by locale."""

    async def handoff_origins(self, limit: int) -> list[tuple[str, int]]:
        """(node id, times) of the pages people asked for a person from, most first, at most ``limit``."""


USAGE: RepositoryKey[UsageRepository] = RepositoryKey("usage")
