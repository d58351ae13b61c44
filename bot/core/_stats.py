"""What a feature gives the staff statistics: its :class:`Figures`, and the pieces every report draws them with.

A feature's ``Feature.stats`` hook reads its own repository and returns a :class:`Figures`; the staff
report (``marhaba stats``, ``--json``, ``--html`` and ``/stats``) shows the staff's own figures (users and
their progress) and then each feature's, in ``Feature.stats_order``, without knowing what they count.
Every figure is a count over many people: never one person's path, words or name.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bot.i18n import LOCALES

if TYPE_CHECKING:
    from bot.content import ContentTree
    from bot.i18n import Translator

NO_LOCALE = "none"
"""The key of people who wrote but have not chosen a language yet, in figures per language."""


@dataclass
class Figures:
    """One feature's figures. Subclass it as a dataclass: its fields, in order, are what ``marhaba stats --json``
    shows; override the methods to draw them in the other reports (each draws nothing by default)."""

    def as_dict(self) -> dict[str, Any]:
        """The figures for ``--json``, by field name."""
        return asdict(self)

    def text(self) -> list[str]:
        """Lines of the terminal report (English, for operators); the report puts a blank line before them."""
        return []

    def html(self) -> list[str]:
        """``<section>`` s of the HTML report (see :func:`bar_chart` and :func:`column_chart`)."""
        return []

    def chat(self, t: Translator, content: ContentTree) -> list[str]:
        """Lines of the short ``/stats`` summary, translated with ``t``."""
        return []


def locale_name(code: str) -> str:
    """A language as the terminal and HTML reports name it: ``العربية (ar)``, or what :data:`NO_LOCALE` means."""
    if code == NO_LOCALE:
        return "no language chosen yet"
    info = LOCALES.get(code)
    return f"{info.native_name} ({code})" if info else code


def title_of(content: ContentTree, node_id: str) -> str:
    """The English title of page ``node_id``, or the id of a page the content no longer has."""
    node = content.get(node_id)
    return node.title if node is not None else node_id


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
