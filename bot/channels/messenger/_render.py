"""Core messages -> Send API ``message`` objects, within Messenger's documented limits.

Up to 3 options with a short enough text become a button template (its buttons stay in the
thread); other menus are quick replies under the text (up to 13; a longer menu shows 12 and a
"More" reply that opens the next page). Text longer than a message allows is split
(:func:`~bot.channels._text.split_text`). Messenger cannot send a pin, so a place is a line of
text with a map link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.channels._text import split_text
from bot.core import MAX_PAYLOAD_BYTES, Option, Outgoing

MAX_TEXT_CHARS = 2000
"""``message.text``: "must be UTF-8 and has a 2000 character limit"
(https://developers.facebook.com/docs/messenger-platform/reference/send-api/#message)."""
MAX_QUICK_REPLIES = 13
""""A maximum of 13 quick replies are supported"
(https://developers.facebook.com/docs/messenger-platform/reference/buttons/quick-replies)."""
MAX_QUICK_REPLY_TITLE_CHARS = 20
"""A quick reply's ``title``: "20 character limit" (same page); longer ones are truncated by Messenger."""
MAX_BUTTONS = 3
"""The button template's ``buttons``: "Set of 1-3 buttons"
(https://developers.facebook.com/docs/messenger-platform/reference/templates/button)."""
MAX_BUTTON_TEXT_CHARS = 640
"""The button template's ``text``: "UTF-8-encoded text of up to 640 characters" (same page)."""
MAX_BUTTON_TITLE_CHARS = 20
"""A postback button's ``title``: "20 character limit"
(https://developers.facebook.com/docs/messenger-platform/reference/buttons/postback)."""
MAX_POSTBACK_PAYLOAD_CHARS = 1000
"""Postback and quick-reply ``payload``: "1000 character limit" (both pages); engine payloads are at most 64 bytes."""

PAYLOAD_PREFIX = "fbm"
"""Payloads the channel answers itself: ``fbm:p:<node-id>:<page>`` (``~``: not a node), ``fbm:unsupported``."""
MAP_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
"""A place's link: OpenStreetMap, which needs no account and tracks no one."""
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Labels:
    """Words the renderer adds, already translated into the message's locale."""

    more: str = "More"
    previous: str = "Previous"
    first: str = "First page"
    prompt: str = "Choose an option below."
    numerals: Callable[[str], str] = str


def fit(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis when something was cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


def title(option: Option, limit: int) -> str:
    """The option's label, or its short form (``short_title`` / ``||``) when the label does not fit."""
    label = option.label
    if len(label) > limit and option.short_label:
        label = option.short_label
    return fit(label, limit) or _ELLIPSIS


def page_payload(node_id: str | None, page: int) -> str:
    """The payload of the "More" reply that opens ``page`` (0-based) of a long menu."""
    payload = f"{PAYLOAD_PREFIX}:p:{node_id or '~'}:{page}"
    return payload if len(payload.encode()) <= MAX_PAYLOAD_BYTES else f"{PAYLOAD_PREFIX}:p:~:{page}"


def render(out: Outgoing, labels: Labels, page: int = 0) -> list[dict[str, Any]]:
    """The Send API ``message`` objects for one core message, in order."""
    text = out.full_text.strip()
    parts = split_text(text, MAX_TEXT_CHARS) if text else []
    messages: list[dict[str, Any]] = []
    options = list({o.payload: o for o in reversed(out.options)}.values())[::-1]  # one button per payload
    if options:
        if len(options) <= MAX_BUTTONS and parts and len(parts[-1]) <= MAX_BUTTON_TEXT_CHARS:
            body = parts.pop()
            messages.extend({"text": p} for p in parts)
            messages.append(_button_template(body, options))
        else:
            body = parts.pop() if parts else labels.prompt
            messages.extend({"text": p} for p in parts)
            messages.append({"text": body, "quick_replies": _quick_replies(out, options, labels, page)})
    else:
        messages.extend({"text": p} for p in parts)
    if out.location is not None:
        loc = out.location
        where = ", ".join(p for p in (loc.name, loc.address) if p)
        link = MAP_URL.format(lat=f"{loc.lat:.6f}", lon=f"{loc.lon:.6f}")
        messages.append({"text": fit(f"📍 {where}", MAX_TEXT_CHARS - len(link) - 1) + "\n" + link})
    return messages


def _button_template(body: str, options: list[Option]) -> dict[str, Any]:
    buttons = [{"type": "postback", "title": title(o, MAX_BUTTON_TITLE_CHARS), "payload": o.payload} for o in options]
    return {"attachment": {"type": "template",
                           "payload": {"template_type": "button", "text": body, "buttons": buttons}}}


def _quick_replies(out: Outgoing, options: list[Option], labels: Labels, page: int) -> list[dict[str, str]]:
    shown = options
    more: Option | None = None
    if len(options) > MAX_QUICK_REPLIES:
        per_page = MAX_QUICK_REPLIES - 1
        pages = (len(options) + per_page - 1) // per_page
        page = min(max(page, 0), pages - 1)
        shown = options[page * per_page: (page + 1) * per_page]
        if page + 1 < pages:
            word, target = labels.more, page + 1
        else:  # the last page leads back to the first: say so, it is not "more"
            word, target = (labels.previous if pages == 2 else labels.first), 0
        numbers = f"({labels.numerals(str(target + 1))}/{labels.numerals(str(pages))})"
        more = Option(f"{out.more_label or word} {numbers}", page_payload(out.node_id or out.list_id, target),
                      short_label=f"{word} {numbers}")
    replies = [{"content_type": "text", "title": title(o, MAX_QUICK_REPLY_TITLE_CHARS), "payload": o.payload}
               for o in shown]
    if more is not None:
        replies.append({"content_type": "text", "title": title(more, MAX_QUICK_REPLY_TITLE_CHARS),
                        "payload": more.payload})
    return replies
