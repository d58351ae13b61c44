"""Usage over time in the staff statistics: people and questions per week, "not sure" shares per language, and
the pages people were on before asking for a person (counters only, migration 011)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core import Figures, bar_chart, column_chart, locale_name, title_of
from bot.features.usage._counters import week_of
from bot.features.usage._repository import USAGE

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.store import Store

DAY = 86_400.0
WEEKS_SHOWN = 12
"""Weeks in the "per week" figures: the last twelve, from the first one recorded."""
PAGES_SHOWN = 10
"""Pages listed as the ones people asked for a person from."""


@dataclass
class UsageFigures(Figures):
    weeks: list[dict[str, Any]] = field(default_factory=list)
    """Per week, oldest first: ``{"week": Monday's date, "active_users": n, "questions": n}``."""
    not_sure_by_locale: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per language: ``{"questions": n, "not_sure": n, "share": 0..1}`` (answered "not sure")."""
    before_handoff: list[tuple[str, str, int]] = field(default_factory=list)
    """(node id, English title, times) of the page people were on just before asking for a person."""

    def text(self) -> list[str]:
        lines = ["Per week (Monday)        active people   questions"]
        lines += [f"  {w['week']:<22} {w['active_users']:>13} {w['questions']:>11}" for w in self.weeks]
        lines += ["", 'Questions answered "not sure", per language:']
        lines += [f"  {locale_name(k):<24} {v['not_sure']:>5} of {v['questions']:<5} {v['share']:>6.0%}"
                  for k, v in self.not_sure_by_locale.items()] or ["  (no questions yet)"]
        lines += ["", "Pages people were on just before asking for a person:"]
        lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in self.before_handoff] or ["  (none yet)"]
        return lines

    def html(self) -> list[str]:
        return [
            column_chart("Active people per week", [(w["week"], w["active_users"]) for w in self.weeks], "#8a5a9e"),
            column_chart("Questions per week", [(w["week"], w["questions"]) for w in self.weeks], "#2f6f9f"),
            bar_chart('Questions answered "not sure" (% per language)',
                      [(locale_name(k), round(100 * v["share"])) for k, v in self.not_sure_by_locale.items()],
                      "#a33b3b"),
            bar_chart("Pages just before asking for a person", [(t, n) for _, t, n in self.before_handoff],
                      "#c0693a"),
        ]


async def usage_stats(store: Store, content: ContentTree, now: float) -> UsageFigures:
    """``Feature.stats``: the recorded weeks (this one counted now), the "not sure" shares and the handoff pages."""
    week, start = week_of(now)
    usage = store.repository(USAGE)
    stored = {w: (a, q) for w, a, q in await usage.weeks(WEEKS_SHOWN)}
    live = await usage.active_since(start)
    active, questions = stored.get(week, (0, 0))
    stored[week] = (max(active, live), questions)  # this week so far, counted now
    first = min(stored)
    weeks = [week_of(start - 7 * DAY * i)[0] for i in range(WEEKS_SHOWN)][::-1]
    figures = UsageFigures()
    figures.weeks = [{"week": w, "active_users": stored.get(w, (0, 0))[0], "questions": stored.get(w, (0, 0))[1]}
                     for w in weeks if w >= first]
    for locale, answered, not_sure in await usage.outcomes():
        total = answered + not_sure
        if total:
            figures.not_sure_by_locale[locale] = {"questions": total, "not_sure": not_sure,
                                                  "share": round(not_sure / total, 3)}
    figures.before_handoff = [(node_id, title_of(content, node_id), n)
                              for node_id, n in await usage.handoff_origins(PAGES_SHOWN)]
    return figures
