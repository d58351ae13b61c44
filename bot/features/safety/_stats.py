"""Safety disclosures in the staff statistics: how many were answered, per category and language (no text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core import Figures, bar_chart
from bot.features.safety._repository import SAFETY

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.store import Store


@dataclass
class SafetyFigures(Figures):
    safety: dict[str, dict[str, int]] = field(default_factory=dict)
    """Safety disclosures answered, per category and language (counts only: no text, no person)."""

    def text(self) -> list[str]:
        return ["Safety disclosures answered (per category and language; no text is kept):",
                *([f"  {category:<20} {sum(by.values()):>5}   " + ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
                   for category, by in self.safety.items()] or ["  (none)"])]

    def html(self) -> list[str]:
        if not self.safety:
            return []
        rows = [(f"{category} · {locale}", count) for category, by in self.safety.items()
                for locale, count in sorted(by.items())]
        return [bar_chart("Safety disclosures answered (category · language)", rows, "#b0302a")]


async def safety_counts(store: Store) -> dict[str, dict[str, int]]:
    """Matches per category and language, for ``marhaba stats``."""
    return await store.repository(SAFETY).counts()


async def safety_stats(store: Store, content: ContentTree, now: float) -> SafetyFigures:
    """``Feature.stats``: the disclosures answered, per category and language."""
    return SafetyFigures(await safety_counts(store))
