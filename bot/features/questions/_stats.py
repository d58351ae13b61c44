"""The questions' figures in the staff statistics: unanswered questions per language (counts only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core import NO_LOCALE, Figures, bar_chart, locale_name
from bot.features.questions._repository import QUESTIONS

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.i18n import Translator
    from bot.store import Store


@dataclass
class QuestionFigures(Figures):
    unanswered: int = 0
    """Questions the bot could not answer (still counted after the askers' words are gone)."""
    unanswered_by_locale: dict[str, int] = field(default_factory=dict)

    def text(self) -> list[str]:
        return [f"Unanswered questions: {self.unanswered}",
                *(f"  {locale_name(k):<24} {v:>7}" for k, v in self.unanswered_by_locale.items())]

    def html(self) -> list[str]:
        rows = [(locale_name(k), v) for k, v in self.unanswered_by_locale.items()] or [("all", self.unanswered)]
        return [bar_chart(f"Unanswered questions ({self.unanswered})", rows, "#a33b3b")]

    def chat(self, t: Translator, content: ContentTree) -> list[str]:
        _ = t.gettext
        return [_("Unanswered questions: {count}").format(count=t.number(self.unanswered))]


async def question_stats(store: Store, content: ContentTree, now: float) -> QuestionFigures:
    """``Feature.stats``: the daily counts of unanswered questions (no text, no person)."""
    rows = await store.repository(QUESTIONS).unanswered_by_locale()
    return QuestionFigures(sum(n for _, n in rows), {locale or NO_LOCALE: n for locale, n in rows})
