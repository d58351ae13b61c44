"""Labels WhatsApp would cut, per locale, for ``marhaba i18n status``.

Two sources, both read from the ``.po`` files as they are now (not the
compiled ``.mo``): every content page is rendered as the WhatsApp channel
sends it (its buttons or list rows, with their prefixes and short forms), and
every catalog entry whose comment says "at most N characters" is measured.
A translator fixes a cut label with a shorter translation or a short form
after ``||`` (``Long words||Short``).
"""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ContentError
from bot.i18n._locales import catalog_chain
from bot.i18n._translator import (
    CONTENT_DOMAIN,
    UI_DOMAIN,
    Translator,
    chain_translations,
    split_short,
)
from bot.i18n._workflow import catalog_bytes, read_catalog_cached

if TYPE_CHECKING:
    from bot.content import ContentTree

_LIMIT = re.compile(r"at most (\d+) characters")


@dataclass(frozen=True)
class CutLabel:
    label: str
    """The label as WhatsApp would receive it before cutting."""
    limit: int
    where: str
    """The entry to shorten: a content context (``health-card.title``), or ``ui: <English>``,
    or the page and button payload (``cc-first-visit: undo:cc-first-visit``)."""


def _translations(locales_dir: Path, locale: str, domain: str) -> gettext.NullTranslations:
    def load(code: str) -> gettext.GNUTranslations | None:
        po = locales_dir / code / "LC_MESSAGES" / f"{domain}.po"
        if not po.is_file():
            return None
        try:
            return gettext.GNUTranslations(io.BytesIO(catalog_bytes(read_catalog_cached(po))))
        except (ContentError, ValueError, OSError):
            return None  # `marhaba i18n compile` reports a broken file
    return chain_translations(locale, load)


def translator(locales_dir: Path, locale: str) -> Translator:
    """A translator for ``locale`` read straight from its ``.po`` files."""
    return Translator(locale, _translations(locales_dir, locale, UI_DOMAIN),
                      _translations(locales_dir, locale, CONTENT_DOMAIN))


def content_tree(project: Path) -> ContentTree | None:
    """The project's content, or ``None`` when it is invalid (``marhaba content check`` says why)."""
    from bot.content import load_content

    try:
        return load_content(project / "content").tree
    except ContentError:
        return None


def cut_labels(project: Path, locale: str, tree: ContentTree | None = None) -> list[CutLabel]:
    """Every label of ``locale`` that WhatsApp would cut, once each (``tree``: the content, read once)."""
    from bot.channels.whatsapp._render import Labels, render
    from bot.core import render_node

    locales_dir = project / "locales"
    t = translator(locales_dir, locale)
    found: dict[str, CutLabel] = {}
    tree = tree or content_tree(project)
    if tree is not None:
        every_step = {n.id for n in tree.nodes.values() if n.step}
        for node in tree.nodes.values():
            for done in (set(), every_step):
                out = render_node(tree, node, t, done)
                by_payload = {o.payload: o for o in out.options}
                for message in render(out, Labels()):
                    interactive = message.get("interactive", {})
                    if interactive.get("type") == "button":
                        shown = [(b["reply"]["id"], b["reply"]["title"], 20) for b in interactive["action"]["buttons"]]
                    elif interactive.get("type") == "list":
                        shown = [(r["id"], r["title"], 24) for sec in interactive["action"]["sections"]
                                 for r in sec["rows"]]
                    else:
                        shown = []
                    for payload, title, limit in shown:
                        option = by_payload.get(payload)
                        if option is not None and title.endswith("…"):
                            label = option.short_label if option.short_label and len(option.label) > limit else option.label
                            target = payload.partition(":")[2] if payload.startswith("n:") else ""
                            where = f"{target}.title" if target in tree.nodes else f"{node.id}: {payload}"
                            found.setdefault(label, CutLabel(label, limit, where))
    for domain in (UI_DOMAIN, CONTENT_DOMAIN):
        seen: set[tuple[object, object]] = set()
        for code in catalog_chain(locale):  # a layered catalog's empty entries read its fallback's
            po = locales_dir / code / "LC_MESSAGES" / f"{domain}.po"
            if po.is_file():
                for m in read_catalog_cached(po):
                    key = (m.context, m.id if isinstance(m.id, str) else tuple(m.id or ()))
                    if key not in seen and _entry_text(m):
                        seen.add(key)
                        cut = _cut_entry(m, domain)
                        if cut is not None:
                            found.setdefault(cut.label, cut)
    return list(found.values())


def _entry_text(m: object) -> str:
    string = getattr(m, "string", "")
    text = string if isinstance(string, str) else (string[0] if string else "")
    return "" if getattr(m, "fuzzy", False) or not getattr(m, "id", None) else text


def _cut_entry(m: object, domain: str) -> CutLabel | None:
    """The entry's label when it is longer than the limit its comment states."""
    limit = next((int(x) for c in getattr(m, "auto_comments", ()) for x in _LIMIT.findall(c)), None)
    if limit is None:
        return None
    full, short = split_short(_entry_text(m))
    label = re.sub(r"\{[a-z_]+\}", "", short or full).strip()
    if len(label) <= limit:
        return None
    msgid = getattr(m, "id", "")
    return CutLabel(label, limit, getattr(m, "context", None) or f"{domain}: {msgid if isinstance(msgid, str) else msgid[0]}")
