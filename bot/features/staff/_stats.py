"""Usage statistics for staff: aggregates only, never one person's path.

Every figure is a count over many users (users per language and channel,
active users, people per topic, checklist completion per step, unanswered
questions, active people and questions per week, the share of questions
answered "not sure" per language, the pages people were on before asking
for a person, and reactions per page). The HTML report is one self-contained file with inline SVG
charts: it opens offline and can be mailed to a funder as it is.
"""

from __future__ import annotations

import html
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.content import ContentTree
from bot.core._render import node_title
from bot.features.feedback import FEEDBACK
from bot.features.questions import QUESTIONS
from bot.features.staff._repository import STAFF
from bot.features.usage import USAGE, week_of
from bot.i18n import LOCALES, Catalogs
from bot.store import Store

DAY = 86_400.0
TOP_TOPICS = 10
"""Topics listed in the text and the chart (the main menu has about a dozen)."""
WEEKS_SHOWN = 12
"""Weeks in the "per week" figures: the last twelve, from the first one recorded."""
NO_LOCALE = "none"
"""The ``by_locale`` key of people who wrote but have not chosen a language yet."""


@dataclass
class Stats:
    """Aggregated figures of one database at one moment."""

    users: int = 0
    by_locale: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    active_7: int = 0
    active_30: int = 0
    topics: list[tuple[str, str, int]] = field(default_factory=list)
    """(topic id, English title, people who opened it or a page under it), most visited first."""
    steps: list[tuple[str, str, int]] = field(default_factory=list)
    """(step id, English title, people who marked it done), most done first (then in content order)."""
    unanswered: int | None = None
    """Questions the bot could not answer; ``None`` when the database has no such table."""
    unanswered_by_locale: dict[str, int] = field(default_factory=dict)
    weeks: list[dict[str, Any]] = field(default_factory=list)
    """Per week, oldest first: ``{"week": Monday's date, "active_users": n, "questions": n}``."""
    not_sure_by_locale: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per language: ``{"questions": n, "not_sure": n, "share": 0..1}`` (answered "not sure")."""
    before_handoff: list[tuple[str, str, int]] = field(default_factory=list)
    """(node id, English title, times) of the page people were on just before asking for a person."""
    reactions: list[dict[str, Any]] = field(default_factory=list)
    """Per page and language: ``{"node": id, "title": ..., "locale": ..., "positive": n, "negative": n}``."""
    safety: dict[str, dict[str, int]] = field(default_factory=dict)
    """Safety disclosures answered, per category and language (counts only: no text, no person)."""
    more: dict[str, Any] = field(default_factory=dict)
    """Figures of features this report has no field for, by name (``Feature.stats``)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def gather(store: Store, content: ContentTree, now: float | None = None, *,
                 features: Iterable[Any] = ()) -> Stats:
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
    # Counts only: the texts go with the people who wrote them (/forget) and after their retention period.
    rows = await store.repository(QUESTIONS).unanswered_by_locale()
    stats.unanswered = sum(n for _, n in rows)
    stats.unanswered_by_locale = {loc or NO_LOCALE: n for loc, n in rows}
    await _gather_usage(store, content, stats, now)
    for feature in features:
        if feature.stats is None:
            continue
        for name, value in (await feature.stats(store, content, now)).items():
            if name in _FIELDS:
                setattr(stats, name, value)
            else:
                stats.more[name] = value
    return stats


_FIELDS = frozenset(f for f in Stats.__dataclass_fields__ if f != "more")


def _title(content: ContentTree, node_id: str) -> str:
    node = content.get(node_id)
    return node.title if node is not None else node_id


async def _gather_usage(store: Store, content: ContentTree, stats: Stats, now: float) -> None:
    """The per-week figures, "not sure" shares, pages before a handoff and reactions (migration 011)."""
    week, start = week_of(now)
    usage = store.repository(USAGE)
    stored = {w: (a, q) for w, a, q in await usage.weeks(WEEKS_SHOWN)}
    (live,) = await store.repository(STAFF).active_since(start)
    active, questions = stored.get(week, (0, 0))
    stored[week] = (max(active, live), questions)  # this week so far, counted now
    first = min(stored)
    weeks = [week_of(start - 7 * DAY * i)[0] for i in range(WEEKS_SHOWN)][::-1]
    stats.weeks = [{"week": w, "active_users": stored.get(w, (0, 0))[0], "questions": stored.get(w, (0, 0))[1]}
                   for w in weeks if w >= first]
    for locale, answered, not_sure in await usage.outcomes():
        total = answered + not_sure
        if total:
            stats.not_sure_by_locale[locale] = {"questions": total, "not_sure": not_sure,
                                                "share": round(not_sure / total, 3)}
    stats.before_handoff = [(node_id, _title(content, node_id), n)
                            for node_id, n in await usage.handoff_origins(TOP_TOPICS)]
    stats.reactions = [{"node": s.node_id, "title": _title(content, s.node_id), "locale": s.locale,
                        "positive": s.positive, "negative": s.negative}
                       for s in await store.repository(FEEDBACK).scores()]


def _locale_name(code: str) -> str:
    if code == NO_LOCALE:
        return "no language chosen yet"
    info = LOCALES.get(code)
    return f"{info.native_name} ({code})" if info else code


def _usage_lines(stats: Stats) -> list[str]:
    lines = ["", "Per week (Monday)        active people   questions"]
    lines += [f"  {w['week']:<22} {w['active_users']:>13} {w['questions']:>11}" for w in stats.weeks]
    lines += ["", 'Questions answered "not sure", per language:']
    lines += [f"  {_locale_name(k):<24} {v['not_sure']:>5} of {v['questions']:<5} {v['share']:>6.0%}"
              for k, v in stats.not_sure_by_locale.items()] or ["  (no questions yet)"]
    lines += ["", "Pages people were on just before asking for a person:"]
    lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in stats.before_handoff] or ["  (none yet)"]
    lines += ["", "Reactions to pages (positive / negative):"]
    lines += [f"  {r['title'][:34]:<36} {r['locale']:<6} {r['positive']:>5} / {r['negative']:<5}"
              for r in stats.reactions] or ["  (none yet)"]
    return lines


def text_report(stats: Stats) -> str:
    """The statistics as plain text for the terminal (English, for operators)."""
    lines = [f"Users: {stats.users}   active in the last 7 days: {stats.active_7}   "
             f"last 30 days: {stats.active_30}", "", "Users per language:"]
    lines += [f"  {_locale_name(k):<24} {v:>7}" for k, v in stats.by_locale.items()]
    lines += ["", "Users per channel:"] + [f"  {k:<24} {v:>7}" for k, v in stats.by_channel.items()]
    lines += ["", "Most visited topics (people):"]
    lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in stats.topics[:TOP_TOPICS]] or ["  (none yet)"]
    lines += ["", "Checklist steps done (people):"]
    lines += [f"  {title[:40]:<42} {n:>7}" for _, title, n in stats.steps] or ["  (no steps in the content)"]
    lines.append("")
    if stats.unanswered is None:
        lines.append("Unanswered questions: not recorded by this database")
    else:
        lines.append(f"Unanswered questions: {stats.unanswered}")
        lines += [f"  {_locale_name(k):<24} {v:>7}" for k, v in stats.unanswered_by_locale.items()]
    lines += _usage_lines(stats)
    lines += ["", "Safety disclosures answered (per category and language; no text is kept):"]
    lines += [f"  {category:<20} {sum(by.values()):>5}   " + ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
              for category, by in stats.safety.items()] or ["  (none)"]
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
    if stats.unanswered is not None:
        lines.append(_("Unanswered questions: {count}").format(count=n(stats.unanswered)))
    return "\n".join(lines)


# -- HTML ---------------------------------------------------------------------

_BAR_HEIGHT = 22
_LABEL_WIDTH = 230
_CHART_WIDTH = 640


def bar_chart(title: str, rows: list[tuple[str, int]], color: str) -> str:
    """A horizontal bar chart as inline SVG (labels left, bars scaled to the largest value)."""
    esc = html.escape
    if not rows:
        return f"<section><h2>{esc(title)}</h2><p>No data yet.</p></section>"
    peak = max(v for _, v in rows) or 1
    room = _CHART_WIDTH - _LABEL_WIDTH - 60
    height = _BAR_HEIGHT * len(rows) + 10
    parts = [f'<svg role="img" aria-label="{esc(title)}" width="{_CHART_WIDTH}" height="{height}" '
             f'viewBox="0 0 {_CHART_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = 5 + i * _BAR_HEIGHT
        width = max(1, round(room * value / peak)) if value else 0
        parts.append(f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{esc(label[:34])}</text>'
                     f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{_BAR_HEIGHT - 6}" '
                     f'fill="{color}" rx="3"><title>{esc(label)}: {value}</title></rect>'
                     f'<text x="{_LABEL_WIDTH + width + 6}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def column_chart(title: str, rows: list[tuple[str, int]], color: str) -> str:
    """A vertical bar chart (one column per week, oldest left) as inline SVG."""
    esc = html.escape
    if not rows:
        return f"<section><h2>{esc(title)}</h2><p>No data yet.</p></section>"
    peak = max(v for _, v in rows) or 1
    step = min(60, (_CHART_WIDTH - 20) // len(rows))
    top, room = 20, 160
    height = top + room + 40
    parts = [f'<svg role="img" aria-label="{esc(title)}" width="{_CHART_WIDTH}" height="{height}" '
             f'viewBox="0 0 {_CHART_WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        x = 10 + i * step
        bar = round(room * value / peak)
        parts.append(f'<rect x="{x + 4}" y="{top + room - bar}" width="{step - 8}" height="{bar}" fill="{color}" '
                     f'rx="3"><title>{esc(label)}: {value}</title></rect>'
                     f'<text x="{x + step / 2}" y="{top + room - bar - 4}" text-anchor="middle">{value}</text>'
                     f'<text x="{x + step / 2}" y="{top + room + 16}" text-anchor="middle" '
                     f'font-size="11">{esc(label[5:])}</text>')
    parts.append("</svg>")
    return f"<section><h2>{esc(title)}</h2>{''.join(parts)}</section>"


def html_report(stats: Stats, generated: float | None = None) -> str:
    """One self-contained HTML page (no scripts, no external files) with the charts."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if generated is None else generated))
    charts = [
        bar_chart("Users per language", [(_locale_name(k), v) for k, v in stats.by_locale.items()], "#2f6f9f"),
        bar_chart("Users per channel", list(stats.by_channel.items()), "#5b8c3a"),
        bar_chart("Active users", [("last 7 days", stats.active_7), ("last 30 days", stats.active_30),
                                   ("all users", stats.users)], "#8a5a9e"),
        bar_chart("Most visited topics (people)", [(t, n) for _, t, n in stats.topics[:TOP_TOPICS]], "#c0693a"),
        bar_chart("Checklist steps done (people)", [(t, n) for _, t, n in stats.steps], "#3a8c85"),
    ]
    if stats.unanswered is not None:
        rows = [(_locale_name(k), v) for k, v in stats.unanswered_by_locale.items()] or [("all", stats.unanswered)]
        charts.append(bar_chart(f"Unanswered questions ({stats.unanswered})", rows, "#a33b3b"))
    charts += [
        column_chart("Active people per week", [(w["week"], w["active_users"]) for w in stats.weeks], "#8a5a9e"),
        column_chart("Questions per week", [(w["week"], w["questions"]) for w in stats.weeks], "#2f6f9f"),
        bar_chart('Questions answered "not sure" (% per language)',
                  [(_locale_name(k), round(100 * v["share"])) for k, v in stats.not_sure_by_locale.items()],
                  "#a33b3b"),
        bar_chart("Pages just before asking for a person", [(t, n) for _, t, n in stats.before_handoff], "#c0693a"),
        bar_chart("Positive reactions to pages", [(f"{r['title']} ({r['locale']})", r["positive"])
                                                  for r in stats.reactions], "#5b8c3a"),
        bar_chart("Negative reactions to pages", [(f"{r['title']} ({r['locale']})", r["negative"])
                                                  for r in stats.reactions], "#a33b3b"),
    ]
    if stats.safety:
        rows = [(f"{category} · {locale}", count) for category, by in stats.safety.items()
                for locale, count in sorted(by.items())]
        charts.append(bar_chart("Safety disclosures answered (category · language)", rows, "#b0302a"))
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
