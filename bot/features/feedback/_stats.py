"""Reactions in the staff statistics: positive and negative counts per page and language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core import Figures, bar_chart, title_of
from bot.features.feedback._repository import FEEDBACK

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.store import Store


@dataclass
class FeedbackFigures(Figures):
    reactions: list[dict[str, Any]] = field(default_factory=list)
    """Per page and language: ``{"node": id, "title": ..., "locale": ..., "positive": n, "negative": n}``."""

    def text(self) -> list[str]:
        return ["Reactions to pages (positive / negative):",
                *([f"  {r['title'][:34]:<36} {r['locale']:<6} {r['positive']:>5} / {r['negative']:<5}"
                   for r in self.reactions] or ["  (none yet)"])]

    def html(self) -> list[str]:
        return [bar_chart("Positive reactions to pages", [(f"{r['title']} ({r['locale']})", r["positive"])
                                                          for r in self.reactions], "#5b8c3a"),
                bar_chart("Negative reactions to pages", [(f"{r['title']} ({r['locale']})", r["negative"])
                                                          for r in self.reactions], "#a33b3b")]


async def feedback_stats(store: Store, content: ContentTree, now: float) -> FeedbackFigures:
    """``Feature.stats``: every page and language with a reaction, most reactions first."""
    return FeedbackFigures([{"node": s.node_id, "title": title_of(content, s.node_id), "locale": s.locale,
                             "positive": s.positive, "negative": s.negative}
                            for s in await store.repository(FEEDBACK).scores()])
