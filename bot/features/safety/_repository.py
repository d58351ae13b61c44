"""What the safety feature keeps: how many disclosures were answered, per category and language (no text)."""

from __future__ import annotations

from typing import Protocol

from bot.store import RepositoryKey


class SafetyRepository(Protocol):
    async def count(self, category: str, locale: str) -> None:
        """One more disclosure of ``category`` answered in ``locale``."""

    async def counts(self) -> dict[str, dict[str, int]]:
        """Disclosures answered, by category and then language."""


SAFETY: RepositoryKey[SafetyRepository] = RepositoryKey("safety")
