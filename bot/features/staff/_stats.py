"""Usage statistics for staff: aggregates only, never one person's path.

The staff's own figures are counts over many users (users per language and channel, active users,
people per topic, checklist completion per step); every other feature adds its own through its
``Feature.stats`` hook (unanswered questions, usage per week, reactions, safety disclosures, ...), read
from its own repository and drawn by its :class:`~bot.core.Figures`. The HTML report is one
self-contained file with inline SVG charts: it opens offline and can be mailed to a funder as it is.
"""

from __future__ import annotations

import html
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.content import ContentTree
from bot.core import NO_LOCALE, Feature, Figures, bar_chart, locale_name
from bot.core._render import node_title
from bot.features.staff._repository import STAFF
from bot.i18n import LOCALES, Catalogs
from bot.store import Store

DAY = 86_400.0
TOP_TOPICS = 10
"""Topics listed in the text and the chart (the main menu has about a dozen)."""


@dataclass
class Stats:
    """Aggregated figures of one database at one moment: the staff's own, then each feature's."""

    users: int = 0
    by_locale: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    active_7: int = 0
    active_30: int = 0
    topics: list[tuple[str, str, int]] = field(default_factory=list)
    """(topic id, English title, people who opened it or a page under it), most visited first."""
    steps: list[tuple[str, str, int]] = field(default_factory=list)
    """(step id, English title, people who marked it done), most done first (then in content order)."""
    figures: dict[str, Figures] = field(default_factory=dict)
    """Each feature's :class:`~bot.core.Figures`, by feature name, in ``Feature.stats_order``."""
    more: dict[str, Any] = field(default_factory=dict)
    """Figures a feature gave as a plain ``{name: value}`` (``Feature.stats``), by name."""

    def as_dict(self) -> dict[str, Any]:
        """Every figure by name, for ``--json``: the staff's, each feature's (in order), then ``more``."""
        every = {k: v for k, v in asdict(self).items() if k not in ("figures", "more")}
        for figures in self.figures.values():
            every.update(figures.as_dict())
        every["more"] = dict(self.more)
        return every


async def gather(store: Store, content: ContentTree, now: float | None = None, *,
                 features: Iterable[Feature] = ()) -> Stats:
    """Read the aggregates from the database (reads only), with each of ``features``' own figures
    (``Feature.stats``)."""
    now = time.time() if now is None else now
    staff = store.repository(STAFF)
    stats = Stats()
    for locale, count in await staff.users_by_locale():
        stats.by_locale[locale or NO_LOCALE] = count
    for channel, count in await staff.users_by_channel():
        stats.by_channel[channel] = count
    stats.users = sum(stats.by_channel.values())
    stats.active_7, stats.active_30 = await staff.active_since(now - 7 * DAY, now - 30 * DAY)
    # People per topic: a person counts once per topic however many of its pages they opened.
    people: dict[str, set[int]] = {}
    for node_id, user_id in await staff.visits():
        topic = content.topic_of(node_id)
        if topic is not None:
            people.setdefault(topic.id, set()).add(user_id)
    ranked = sorted(((len(v), k) for k, v in people.items()), key=lambda x: (-x[0], x[1]))
    stats.topics = [(k, content.nodes[k].title, n) for n, k in ranked]
    done = Counter(await staff.steps_done())
    stats.steps = sorted(((s.id, s.title, done.get(s.id, 0)) for s in content.steps()), key=lambda x: -x[2])
    # Each feature's own figures, in a stable order: by stats_order, then as listed (sorted() is stable).
    hooks = [(f.name, f.stats) for f in sorted(features, key=lambda f: f.stats_order) if f.stats is not None]
    for name, hook in hooks:
        figures = await hook(store, content, now)
        if isinstance(figures, Figures):
            stats.figures[name] = figures
        else:
            stats.more.update(figures)
    return stats


def text_report(stats: Stats) -> str:
    """The statistics as plain text for the terminal (English, for operators)."""
    lines = [f"Users: {stats.users}   active in the last 7 days: {stats.active_7}   "
             f"last 30 days: {stats.active_30}", "", "Users per language:"]
    lines += [f"  {locale_name(k):<24} {v:>7}" for k, v in stats.by_locale.items()]
    lines += ["", "Users per channel:"] + [f"  {k:<24} {v:>7}" for k, v in stats.by_channel.items()]
    lines += ["", "Most visited topics (people):"]
    lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in stats.topics[:TOP_TOPICS]] or ["  (none yet)"]
    lines += ["", "Checklist steps done (people):"]
    lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in stats.steps] or ["  (no steps in the content)"]
    for figures in stats.figures.values():
        text = figures.text()
        if text:
            lines += ["", *text]
    for name, value in stats.more.items():
        lines += ["", f"{name}: {value}"]
    return "\n".join(lines)


def chat_report(stats: Stats, catalogs: Catalogs, locale: str, content: ContentTree) -> str:
    """A short translated summary for the staff ``/stats`` command."""
    t = catalogs.get(locale)
    _ = t.gettext
    n = t.number
    lines = [
        _("Users: {users}. Active in the last 7 days: {active7}, last 30 days: {active30}.").format(
            users=n(stats.users), active7=n(stats.active_7), active30=n(stats.active_30)),
        _("Languages: {list}").format(list=", ".join(
            f"{LOCALES[k].native_name if k in LOCALES else k} {n(v)}" for k, v in stats.by_locale.items())),
        _("Channels: {list}").format(list=", ".join(f"{k} {n(v)}" for k, v in stats.by_channel.items())),
        _("Most visited topics:"),
    ]
    for topic_id, _title, count in stats.topics[:5]:
        lines.append(f"• {node_title(content.nodes[topic_id], t) if topic_id in content else _title}: {n(count)}")
    if stats.steps:
        lines.append(_("Checklist steps marked done: {count}").format(count=n(sum(c for _, _, c in stats.steps))))
    for figures in stats.figures.values():
        lines += figures.chat(t, content)
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------

def html_report(stats: Stats, generated: float | None = None) -> str:
    """One self-contained HTML page (no scripts, no external files) with the charts."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if generated is None else generated))
    charts = [
        bar_chart("Users per language", [(locale_name(k), v) for k, v in stats.by_locale.items()], "#2f6f9f"),
        bar_chart("Users per channel", list(stats.by_channel.items()), "#5b8c3a"),
        bar_chart("Active users", [("last 7 days", stats.active_7), ("last 30 days", stats.active_30),
                                   ("all users", stats.users)], "#8a5a9e"),
        bar_chart("Most visited topics (people)", [(t, n) for _, t, n in stats.topics[:TOP_TOPICS]], "#c0693a"),
        bar_chart("Checklist steps done (people)", [(t, n) for _, t, n in stats.steps], "#3a8c85"),
    ]
    for figures in stats.figures.values():
        charts += figures.html()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Marhaba statistics</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 700px; color: #222; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.1rem; margin-top: 2rem; }}
svg text {{ font-size: 13px; fill: #222; }} .note {{ color: #555; font-size: .9rem; }}
</style></head><body>
<h1>Marhaba statistics</h1>
<p class="note">Generated {html.escape(when)}. {stats.users} users; aggregates only, no individual is shown.</p>
{''.join(charts)}
</body></html>
"""
