"""Translation coverage per locale: translated, fuzzy (outdated) and missing, and the nodes affected.

A *fuzzy* entry is one whose English source changed since it was translated
(``pybabel update`` marks it): it is not compiled, so users see English until
a translator confirms it. Content entries carry the context
``<node-id>.<field>``, which tells staff which pages need a translator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.i18n._locales import catalog_chain
from bot.i18n._translator import CONTENT_DOMAIN
from bot.i18n._workflow import DOMAINS, SHIPPED, read_catalog_cached

REVIEWED_HEADER = "X-Reviewed-By-Native-Speaker"
"""A header field translators set to ``yes`` in a catalog once a native speaker has read all of it."""

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
    inherited: int = 0
    """Of the translated entries, how many a layered catalog (Dari) reads from its fallback (Persian)."""
    reviewed: bool = False
    """Every catalog of the locale says ``X-Reviewed-By-Native-Speaker: yes``."""
    cut_labels: list[dict[str, Any]] = field(default_factory=list)
    """Labels WhatsApp would cut: ``{"label", "limit", "where"}``; see :mod:`bot.channels.whatsapp._labels`."""

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


def _strings(message: Any) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


def _fallback_strings(locales_dir: Path, locale: str, domain: str) -> dict[tuple[Any, Any], bool]:
    """Entries of the catalogs ``locale`` falls back to: True when translated and current, False when fuzzy."""
    done: dict[tuple[Any, Any], bool] = {}
    for code in catalog_chain(locale)[1:]:
        po = locales_dir / code / "LC_MESSAGES" / f"{domain}.po"
        if po.is_file():
            for m in read_catalog_cached(po):
                key = (m.context, m.id if isinstance(m.id, str) else tuple(m.id or ()))
                if m.id and key not in done and (m.fuzzy or all(_strings(m))):
                    done[key] = not m.fuzzy
    return done


def locale_status(locales_dir: Path, locale: str) -> LocaleStatus:
    """Read ``locales/<locale>/LC_MESSAGES/*.po`` and count; a missing file counts as all missing.

    An entry a layered catalog leaves empty counts as translated when its
    fallback translates it (Dari reads Persian), and is counted as inherited.
    """
    status = LocaleStatus(locale)
    reviewed = []
    for domain in DOMAINS:
        po = locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"
        if not po.is_file():
            reviewed.append(False)
            pot = locales_dir / f"{domain}.pot"
            if pot.is_file():
                catalog = read_catalog_cached(pot)
                status.missing += sum(1 for m in catalog if m.id)
                if domain == CONTENT_DOMAIN:
                    for m in catalog:
                        if m.id and m.context:
                            _note(status.missing_nodes, m.context)
            continue
        catalog = read_catalog_cached(po)
        # The header field, or the older "# Native-Review: yes" line of the header comment.
        reviewed.append(_header(po, REVIEWED_HEADER).lower() == "yes"
                        or native_review(catalog.header_comment) == "yes")
        fallback = _fallback_strings(locales_dir, locale, domain)
        for message in catalog:
            if not message.id:
                continue  # the header
            inherited = fallback.get((message.context, message.id if isinstance(message.id, str) else tuple(message.id)))
            if message.fuzzy or (inherited is False and not all(_strings(message))):
                status.fuzzy += 1  # its own, or the fallback's it shows
                target = status.fuzzy_nodes
            elif all(_strings(message)):
                status.translated += 1
                continue
            elif inherited:
                status.translated += 1
                status.inherited += 1
                continue
            else:
                status.missing += 1
                target = status.missing_nodes
            if domain == CONTENT_DOMAIN and message.context:
                _note(target, message.context)
    status.reviewed = all(reviewed)
    return status


def _header(po: Path, name: str) -> str:
    """A header field of a ``.po`` file, as written ("" when absent); Babel's reader drops unknown fields."""
    with po.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.strip():
                break
            if line.startswith(f'"{name}:'):
                return line.split(":", 1)[1].strip().strip('"').removesuffix("\\n").strip()
    return ""


def _note(nodes: dict[str, list[str]], context: str) -> None:
    node_id, _, field_name = context.partition(".")
    fields = nodes.setdefault(node_id, [])
    if field_name not in fields:
        fields.append(field_name)


CutLabels = Callable[[str], Iterable[Any]]
"""A locale -> the labels a channel would cut in it (dataclasses with ``label``, ``limit``, ``where``)."""


def all_status(locales_dir: Path, locales: list[str] | None = None, *,
               cut_labels: CutLabels | None = None) -> list[LocaleStatus]:
    """The status of each locale (every shipped locale by default), with the labels ``cut_labels`` finds
    (the WhatsApp channel's check, handed in by ``marhaba i18n status``)."""
    statuses = [locale_status(locales_dir, code) for code in (locales or SHIPPED)]
    if cut_labels is not None:
        for s in statuses:
            s.cut_labels = [asdict(c) for c in cut_labels(s.locale)]
    return statuses


def status_text(statuses: list[LocaleStatus], *, max_nodes: int = 8) -> str:
    """A table for the terminal, then the nodes that need a translator and the labels cut, per locale."""
    lines = [f"{'locale':<8}{'translated':>11}{'fuzzy':>8}{'missing':>9}{'done':>8}{'cut':>6}  reviewed by a native speaker"]
    for s in statuses:
        lines.append(f"{s.locale:<8}{s.translated:>11}{s.fuzzy:>8}{s.missing:>9}{s.percent:>7.1f}%"
                     f"{len(s.cut_labels):>6}  {'yes' if s.reviewed else 'no'}")
    for s in statuses:
        if s.inherited:
            lines.append(f"{s.locale}: {s.inherited} entries read from {', '.join(catalog_chain(s.locale)[1:])}")
        for label, nodes in (("fuzzy (English changed)", s.fuzzy_nodes), ("missing", s.missing_nodes)):
            if nodes:
                shown = [f"{k} ({', '.join(v)})" for k, v in list(nodes.items())[:max_nodes]]
                more = f" and {len(nodes) - max_nodes} more" if len(nodes) > max_nodes else ""
                lines.append(f"{s.locale} {label}: {'; '.join(shown)}{more}")
        if s.cut_labels:
            lines.append(f"{s.locale} cut on WhatsApp (give a short form after ||):")
            lines += [f"  {c['where']}: \"{c['label']}\" ({len(c['label'])} > {c['limit']})" for c in s.cut_labels]
    return "\n".join(lines)
