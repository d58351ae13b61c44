"""The Cloud API webhook: verification, signatures, and parsing into core events.

Shapes follow Meta's "Webhooks" reference for WhatsApp Business accounts:
``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field":
"messages", "value": {"messages": [...], "statuses": [...]}}]}]}``.
Only this module knows that JSON; the rest of the channel sees the small
dataclasses below.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from bot.channels._meta import (  # noqa: F401 - the channel's API
    SIGNATURE_HEADER,
    signature,
    signature_ok,
    verify_challenge,
)
from bot.core import Incoming

CHANNEL = "whatsapp"


MAX_ID_CHARS = 256
"""Longer message or user ids are not from the Cloud API (wamids are about 60 characters); such items are ignored."""

_WA_ID_RE = re.compile(r"\A[0-9]{1,15}\Z")
"""E.164 numbers have at most 15 digits (ITU-T E.164, section 6.1)."""

# Country calling codes (ITU-T E.164) -> the locale most newcomers from there read.
# A hint only: the language picker still asks, with this language first.
COUNTRY_LANGUAGE = {
    "90": "tr",
    **dict.fromkeys(("963", "964", "962", "961", "966", "971", "965", "974", "973", "968", "970",
                     "20", "249", "967", "218", "216", "213", "212", "222"), "ar"),
    "98": "fa",
    "93": "fa_AF",
    "92": "ur",
    **dict.fromkeys(("33", "221", "223", "224", "225", "226", "227", "228", "229", "235", "236", "237",
                     "241", "242", "243", "250", "257", "509"), "fr"),
    "252": "so",
    "253": "so",
    "380": "uk",
    **dict.fromkeys(("7", "375"), "ru"),
    "880": "bn",
    "291": "ti",
    **dict.fromkeys(("1", "44", "61", "64", "353", "231", "232", "233", "234", "254", "256"), "en"),
}

COUNTRY_MORE_LANGUAGES = {
    "90": ("kmr",),          # Turkey: many Kurds read Kurmanji
    "963": ("kmr",),         # Syria: the Kurds of the north-east speak Kurmanji
    "964": ("ckb", "kmr"),   # Iraq: Kurdistan writes Sorani; Duhok (Badini) speaks Kurmanji
    "98": ("ckb",),          # Iran: the Kurds of the west mostly read Sorani
    "93": ("ps",),           # Afghanistan: Dari and Pashto
    "92": ("ps",),           # Pakistan: Pashto in the north-west
    "380": ("ru",),          # Ukraine: most people read Russian too
    "291": ("ar",),          # Eritrea: Arabic is the other working language
}
"""Other languages that newcomers with a number from the country often read: shown next in the picker."""


def language_hint(wa_id: str) -> str | None:
    """The likely locales for a WhatsApp number (its country calling code), most likely first.

    A comma-separated list (``"ar,ckb,kmr"`` for +964), as :func:`bot.i18n.negotiate`
    reads it: the first is the hint, the others come next in the language picker.
    """
    digits = wa_id.lstrip("+")
    for length in (3, 2, 1):  # calling codes are prefix-free: the longest match is the one
        prefix = digits[:length]
        locale = COUNTRY_LANGUAGE.get(prefix)
        if locale:
            return ",".join((locale, *COUNTRY_MORE_LANGUAGES.get(prefix, ())))
    return None


@dataclass(frozen=True)
class InboundMessage:
    """One message a user sent. ``event`` is ``None`` for types the bot cannot read (stickers, voice)."""

    message_id: str
    wa_id: str
    sent_at: float
    event: Incoming | None
    reaction: Reaction | None = None
    """Set for a reaction: it is feedback on one of our messages, not something to answer."""
    raw: str = field(default="", compare=False, repr=False)
    """The message's own JSON as the webhook carried it (the inbox keeps it; :func:`parse_message` reads it)."""


@dataclass(frozen=True)
class Reaction:
    """A reaction to a message we sent: its id, and the emoji (``""`` when the reaction was removed)."""

    message_id: str
    emoji: str


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status of a message we sent: ``sent``, ``delivered``, ``read`` or ``failed``."""

    message_id: str
    wa_id: str
    status: str
    error_code: int | None = None


@dataclass(frozen=True)
class WebhookBatch:
    """Everything one webhook POST carried, in order."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)


class MalformedWebhook(ValueError):
    """The body is not JSON or not a WhatsApp Business account webhook."""


def parse_webhook(body: bytes, now: float | None = None) -> WebhookBatch:
    """Parse a webhook body. Unknown fields and broken items are skipped, never fatal.

    Raises :class:`MalformedWebhook` only when the body is not JSON at all or not
    a ``whatsapp_business_account`` object.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedWebhook("body is not JSON") from None
    except RecursionError:
        # A correctly signed body can still nest thousands of levels deep; the Cloud API's nest about 6.
        raise MalformedWebhook("body is nested too deeply") from None
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise MalformedWebhook("not a whatsapp_business_account webhook")
    now = time.time() if now is None else now
    batch = WebhookBatch()
    for entry in _list(data.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            if change.get("field") != "messages":
                continue
            value = _dict(change.get("value"))
            for raw in _list(value.get("messages")):
                msg = _message(_dict(raw), now)
                if msg is not None:
                    batch.messages.append(msg)
            for raw in _list(value.get("statuses")):
                status = _status(_dict(raw))
                if status is not None:
                    batch.statuses.append(status)
    return batch


def parse_message(raw: str, now: float | None = None) -> InboundMessage | None:
    """One message as :attr:`InboundMessage.raw` holds it (from the inbox); ``None`` when it is unreadable."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return _message(_dict(data), time.time() if now is None else now)


def _message(raw: dict[str, Any], now: float) -> InboundMessage | None:
    message = _read_message(raw, now)
    return replace(message, raw=json.dumps(raw, ensure_ascii=False)) if message is not None else None


def _read_message(raw: dict[str, Any], now: float) -> InboundMessage | None:
    message_id, wa_id = _id(raw.get("id")), _wa_id(raw.get("from"))
    if not message_id or not wa_id:
        return None
    sent_at = _timestamp(raw.get("timestamp"), now)
    hint = language_hint(wa_id)
    kind = raw.get("type")
    event: Incoming | None = None
    if kind == "text":
        text = _dict(raw.get("text")).get("body")
        if isinstance(text, str):
            event = Incoming(CHANNEL, wa_id, text=text, language_hint=hint)
    elif kind == "interactive":
        interactive = _dict(raw.get("interactive"))
        reply = _dict(interactive.get(str(interactive.get("type"))))  # button_reply or list_reply
        if isinstance(reply.get("id"), str):
            event = Incoming(CHANNEL, wa_id, payload=reply["id"], language_hint=hint)
    elif kind == "button":  # a quick-reply button of a template message
        button = _dict(raw.get("button"))
        payload, text = button.get("payload"), button.get("text")
        if isinstance(payload, str) and payload:
            event = Incoming(CHANNEL, wa_id, payload=payload, language_hint=hint)
        elif isinstance(text, str):
            event = Incoming(CHANNEL, wa_id, text=text, language_hint=hint)
    elif kind == "reaction":  # {"message_id": <the wamid reacted to>, "emoji": "👍"}; no emoji = removed
        raw_reaction = _dict(raw.get("reaction"))
        target, emoji = _id(raw_reaction.get("message_id")), raw_reaction.get("emoji")
        reaction = Reaction(target or "", emoji if isinstance(emoji, str) else "")
        return InboundMessage(message_id, wa_id, sent_at, None, reaction)
    return InboundMessage(message_id, wa_id, sent_at, event)


def _timestamp(value: object, now: float) -> float:
    """The Cloud API's ``timestamp`` (Unix seconds as a string of digits), between 0 and ``now``.

    Anything else (``"nan"``, ``"inf"``, ``"-5"``, a list) is not a time: the message counts as sent now,
    so it is answered like any other, never stored with a time that is no number.
    """
    digits = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12
    number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if digits or number:
        seconds = float(value)  # type: ignore[arg-type]
    else:
        return now
    return seconds if 0 <= seconds <= now else now


def _status(raw: dict[str, Any]) -> StatusUpdate | None:
    message_id, wa_id, status = _id(raw.get("id")), _wa_id(raw.get("recipient_id")), raw.get("status")
    if not message_id or not wa_id or not isinstance(status, str):
        return None
    code = None
    for err in _list(raw.get("errors")):
        if isinstance(_dict(err).get("code"), int):
            code = err["code"]
            break
    return StatusUpdate(message_id, wa_id, status, code)


def _id(value: object) -> str:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS else ""


def _wa_id(value: object) -> str:
    # A WhatsApp id is the user's phone number in digits (E.164, at most 15 digits, no "+").
    return value if isinstance(value, str) and _WA_ID_RE.match(value) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
