"""Core messages -> Cloud API message objects, within WhatsApp's documented limits.

Up to 3 options become reply buttons, 4 to 10 a list message, more than 10 a
list of 9 options and a "more" row that shows the next page (on the last
page, a row back to the first). Text longer than
a message allows is split (shared :func:`~bot.channels._text.split_text`).
The objects returned lack only ``to``, which the client adds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.channels._text import split_text
from bot.core import MAX_PAYLOAD_BYTES, Option, Outgoing

# Limits from Meta's Cloud API reference, "Messages" > text, interactive reply buttons,
# and interactive list messages (developers.facebook.com/docs/whatsapp/cloud-api/messages).
MAX_TEXT_CHARS = 4096
"""``text.body`` of a text message: at most 4096 characters."""
MAX_INTERACTIVE_BODY_CHARS = 1024
"""``interactive.body.text``: at most 1024 characters."""
MAX_BUTTONS = 3
"""Reply buttons: at most 3 per message."""
MAX_BUTTON_TITLE_CHARS = 20
"""``reply.title`` of a reply button: at most 20 characters, unique within the message."""
MAX_LIST_ROWS = 10
"""List messages: at most 10 rows across all sections."""
MAX_ROW_TITLE_CHARS = 24
"""``rows[].title``: at most 24 characters."""
MAX_ROW_DESCRIPTION_CHARS = 72
"""``rows[].description``: at most 72 characters."""
MAX_LIST_BUTTON_CHARS = 20
"""``action.button`` (the label that opens the list): at most 20 characters."""
MAX_SECTION_TITLE_CHARS = 24
"""``sections[].title``: at most 24 characters."""
MAX_ROW_ID_CHARS = 200
"""``rows[].id``: at most 200 characters (button ids: 256); engine payloads are at most 64 bytes."""

PAYLOAD_PREFIX = "wa"
"""Payloads the channel handles itself; the "more" row sends ``wa:p:<node-id>:<page>`` (``~``: not a node)."""
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Labels:
    """Words the renderer adds, already translated into the message's locale."""

    more: str = "More"
    previous: str = "Previous"
    """The row that goes back from the last of two pages."""
    first: str = "First page"
    """The row that goes back to the start from the last of three or more pages."""
    choose: str = "Choose"
    prompt: str = "Choose an option."
    numerals: Callable[[str], str] = str
    """Writes the page numbers of "More (2/3)" in the locale's digits."""


def fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def _label(option: Option, limit: int) -> str:
    """The label, or the content's short title when the label does not fit; never empty."""
    label = option.label
    if len(label) > limit and option.short_label:
        label = option.short_label
    return fit(label, limit) or _ELLIPSIS


def page_payload(node_id: str | None, page: int) -> str:
    """The payload of the "more" row that opens ``page`` (0-based) of a long menu."""
    payload = f"{PAYLOAD_PREFIX}:p:{node_id or '~'}:{page}"
    return payload if len(payload.encode()) <= MAX_PAYLOAD_BYTES else f"{PAYLOAD_PREFIX}:p:~:{page}"


def render(out: Outgoing, labels: Labels, page: int = 0) -> list[dict[str, Any]]:
    """The Cloud API message objects for one core message, in order (``to`` not set)."""
    text = out.full_text.strip()
    messages: list[dict[str, Any]] = []
    if out.options:
        parts = split_text(text, MAX_TEXT_CHARS)
        if parts and len(parts[-1]) <= MAX_INTERACTIVE_BODY_CHARS:
            body = parts.pop()
        else:  # the last part is too long for an interactive body: send it as text, then a short prompt
            body = fit(out.title, MAX_INTERACTIVE_BODY_CHARS) or fit(labels.prompt, MAX_INTERACTIVE_BODY_CHARS)
        messages.extend(_text(p) for p in parts)
        messages.append(_interactive(out, body, labels, page))
    else:
        messages.extend(_text(p) for p in split_text(text, MAX_TEXT_CHARS))
    if out.location is not None:
        loc = out.location
        location: dict[str, Any] = {"latitude": loc.lat, "longitude": loc.lon}
        if loc.name:
            location["name"] = loc.name
        if loc.address:
            location["address"] = loc.address
        messages.append({"type": "location", "location": location})
    return messages


def _text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _interactive(out: Outgoing, body: str, labels: Labels, page: int) -> dict[str, Any]:
    options = list({o.payload: o for o in reversed(out.options)}.values())[::-1]  # ids must be unique
    if len(options) <= MAX_BUTTONS:
        titles = _unique([_label(o, MAX_BUTTON_TITLE_CHARS) for o in options],
                         MAX_BUTTON_TITLE_CHARS)
        buttons = [{"type": "reply", "reply": {"id": o.payload, "title": t}} for o, t in zip(options, titles, strict=True)]
        return {"type": "interactive", "interactive": {"type": "button", "body": {"text": body},
                                                       "action": {"buttons": buttons}}}
    more: Option | None = None
    if len(options) > MAX_LIST_ROWS:
        per_page = MAX_LIST_ROWS - 1
        pages = (len(options) + per_page - 1) // per_page
        page = min(max(page, 0), pages - 1)
        start = page * per_page
        shown, rest = options[start: start + per_page], options[start + per_page:] + options[:start]
        options = shown
        if page + 1 < pages:
            word, target = labels.more, page + 1
        else:  # the last page leads back to the first: say so, it is not "more"
            word, target = (labels.previous if pages == 2 else labels.first), 0
        more_label = out.more_label
        # A menu that names its "more" row (the language picker) keeps that name on every page and
        # lists what the other pages hold under it, so that a newcomer finds their language at once.
        numbers = f"({labels.numerals(str(target + 1))}/{labels.numerals(str(pages))})"
        more = Option(f"{more_label or word} {numbers}", page_payload(out.node_id or out.list_id, target),
                      description=" · ".join(o.label for o in rest) if more_label else "")
    rows = []
    titles = _unique([_label(o, MAX_ROW_TITLE_CHARS) for o in options],
                     MAX_ROW_TITLE_CHARS)
    for option, title in zip(options, titles, strict=True):
        row = {"id": option.payload, "title": title}
        # A title that had to be shortened is shown whole underneath.
        description = option.description or (option.label if title != option.label else "")
        description = fit(description, MAX_ROW_DESCRIPTION_CHARS)
        if description:
            row["description"] = description
        rows.append(row)
    if more is not None:
        more_row = {"id": more.payload, "title": fit(more.label, MAX_ROW_TITLE_CHARS)}
        if more.description:
            more_row["description"] = fit(more.description, MAX_ROW_DESCRIPTION_CHARS)
        rows.append(more_row)
    section: dict[str, Any] = {"rows": rows}
    section_title = fit(out.title, MAX_SECTION_TITLE_CHARS)
    if section_title:
        section["title"] = section_title
    return {"type": "interactive", "interactive": {
        "type": "list", "body": {"text": body},
        "action": {"button": fit(labels.choose, MAX_LIST_BUTTON_CHARS), "sections": [section]},
    }}


def _unique(titles: list[str], limit: int) -> list[str]:
    """Make titles unique (WhatsApp rejects duplicates) by numbering repeats within the limit."""
    seen: set[str] = set()
    out = []
    for title in titles:
        candidate, n = title, 2
        while candidate in seen:
            suffix = f" {n}"
            candidate = fit(title, limit - len(suffix)) + suffix
            n += 1
        seen.add(candidate)
        out.append(candidate)
    return out
