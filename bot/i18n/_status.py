"""Translation coverage per locale: translated, fuzzy (outdated) and missing, and the nodes affected.

A *fuzzy* entry is one whose English source changed since it was translated
(``pybabel update`` marks it): it is not compiled, so users see English until
a translator confirms it. Content entries carry the context
``<node-id>.<field>``, which tells staff which pages need a translator.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.i18n._translator import CONTENT_DOMAIN
from bot.i18n._workflow import DOMAINS, SHIPPED, read_catalog

NATIVE_REVIEW = re.compile(r"^#\s*Native-Review:\s*(\w+)", re.MULTILINE | re.IGNORECASE)
"""The line translators set in a catalog's header comment: ``# Native-Review: yes (name, date)`` or
``# Native-Review: no``. It lives in the comment because pybabel keeps comments but drops unknown headers."""
NOT_RECORDED = "not recorded"


def native_review(header_comment: str) -> str:
    """``yes``, ``no`` or ``not recorded`` from a catalog's header comment."""
    found = NATIVE_REVIEW.search(header_comment or "")
    if not found:
        return NOT_RECORDED
    return "yes" if found.group(1).lower() in ("yes", "true", "1") else "no"


@dataclass
class LocaleStatus:
    """Counts of one locale over both domains; ``nodes`` maps a node id to its untranslated fields."""

    locale: str
    translated: int = 0
    fuzzy: int = 0
    missing: int = 0
    fuzzy_nodes: dict[str, list[str]] = field(default_factory=dict)
    missing_nodes: dict[str, list[str]] = field(default_factory=dict)
    native_review: str = NOT_RECORDED
    """``yes`` when every catalog of the locale says a native speaker reviewed it, ``no`` when one says
    not, else ``not recorded`` (see :data:`NATIVE_REVIEW`)."""

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.missing

    @property
    def percent(self) -> float:
        """Share of entries translated and current, 0-100 (100 when there is nothing to translate)."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def node_state(self, node_id: str) -> str:
        """``missing``, ``fuzzy`` or ``translated`` for one content node."""
        if node_id in self.missing_nodes:
            return "missing"
        return "fuzzy" if node_id in self.fuzzy_nodes else "translated"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "total": self.total, "percent": round(self.percent, 1)}


def locale_status(locales_dir: Path, locale: str) -> LocaleStatus:
    """Read ``locales/<locale>/LC_MESSAGES/*.po`` and count; a missing file counts as all missing."""
    status = LocaleStatus(locale)
    reviews = []
    for domain in DOMAINS:
        po = locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"
        if not po.is_file():
            reviews.append(NOT_RECORDED)
            pot = locales_dir / f"{domain}.pot"
            if pot.is_file():
                catalog = read_catalog(pot)
                status.missing += sum(1 for m in catalog if m.id)
                if domain == CONTENT_DOMAIN:
                    for m in catalog:
                        if m.id and m.context:
                            _note(status.missing_nodes, m.context)
            continue
        catalog = read_catalog(po)
        reviews.append(native_review(catalog.header_comment))
        for message in catalog:
            if not message.id:
                continue  # the header
            strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
            if message.fuzzy:
                status.fuzzy += 1
                target = status.fuzzy_nodes
            elif all(strings):
                status.translated += 1
                continue
            else:
                status.missing += 1
                target = status.missing_nodes
            if domain == CONTENT_DOMAIN and message.context:
                _note(target, message.context)
    status.native_review = "no" if "no" in reviews else "yes" if set(reviews) == {"yes"} else NOT_RECORDED
    return status


def _note(nodes: dict[str, list[str]], context: str) -> None:
    node_id, _, field_name = context.partition(".")
    fields = nodes.setdefault(node_id, [])
    if field_name not in fields:
        fields.append(field_name)


def all_status(locales_dir: Path, locales: list[str] | None = None) -> list[LocaleStatus]:
    """The status of each locale (every shipped locale by default)."""
    return [locale_status(locales_dir, code) for code in (locales or SHIPPED)]


def status_text(statuses: list[LocaleStatus], *, max_nodes: int = 8) -> str:
    """A table for the terminal, then the nodes that need a translator, per locale."""
    lines = [f"{'locale':<8}{'translated':>11}{'fuzzy':>8}{'missing':>9}{'done':>8}  native review"]
    for s in statuses:
        lines.append(f"{s.locale:<8}{s.translated:>11}{s.fuzzy:>8}{s.missing:>9}{s.percent:>7.1f}%  {s.native_review}")
    for s in statuses:
        for label, nodes in (("fuzzy (English changed)", s.fuzzy_nodes), ("missing", s.missing_nodes)):
            if nodes:
                shown = [f"{k} ({', '.join(v)})" for k, v in list(nodes.items())[:max_nodes]]
                more = f" and {len(nodes) - max_nodes} more" if len(nodes) > max_nodes else ""
                lines.append(f"{s.locale} {label}: {'; '.join(shown)}{more}")
    return "\n".join(lines)
