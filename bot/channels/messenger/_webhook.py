"""The Messenger webhook: the verify-token handshake, signatures, and parsing into small events.

Shapes follow Meta's webhook references for Pages
(https://developers.facebook.com/docs/messenger-platform/webhooks):
``{"object": "page", "entry": [{"id": <page>, "messaging": [<event>, ...]}]}``, each event one of
``message`` (text, a quick reply's ``payload``, attachments; ``is_echo`` for our own messages),
``postback`` (a button template's or the persistent menu's button, the Get Started button with the
``referral`` of the m.me link that opened the thread), ``referral`` (an m.me link opened in an
existing thread) and ``reaction``. Only this module knows that JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.channels._meta import (  # noqa: F401 - the channel's API
    SIGNATURE_HEADER,
    signature,
    signature_ok,
    verify_challenge,
)

CHANNEL = "messenger"


GET_STARTED = "cmd:start"
"""The Get Started button's postback payload: the engine's ``/start``."""

MAX_ID_CHARS = 256
"""Longer message ids are not Meta's (mids are about 100 characters); such events are ignored."""
_PSID_RE = re.compile(r"\A[0-9]{1,32}\Z")
"""A page-scoped id is a string of digits."""


class MalformedWebhook(ValueError):
    """The body is not JSON or not a Page webhook."""


@dataclass(frozen=True)
class Delivery:
    """One webhook event to handle: its id for deduplication, the sender, and the event's JSON."""

    platform_id: str
    """The message's ``mid``; for events without one, the sender, the time and the kind."""
    psid: str
    raw: dict[str, Any]


@dataclass(frozen=True)
class Inbound:
    """What one event asks of the bot (at most one of the fields is set, ``unsupported`` else)."""

    psid: str
    text: str | None = None
    payload: str | None = None
    start: str | None = None
    """``/start`` with this deep-link payload (the ``ref`` of an m.me link; ``""``: Get Started alone)."""
    reaction: tuple[str, str] | None = None
    """(the ``mid`` reacted to, the emoji; ``""`` when the reaction was removed): feedback, never answered."""
    unsupported: bool = False
    """A photo, a voice message, a sticker: the bot reads only text and buttons."""


def parse_webhook(body: bytes) -> list[Delivery]:
    """The events of a webhook body worth handling, in order; echoes, deliveries and reads left out.

    Raises :class:`MalformedWebhook` only when the body is not JSON or not a ``page`` object;
    broken events are skipped, never fatal.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedWebhook("body is not JSON") from None
    except RecursionError:
        raise MalformedWebhook("body is nested too deeply") from None
    if not isinstance(data, dict) or data.get("object") != "page":
        raise MalformedWebhook("not a page webhook")
    out = []
    for entry in _list(data.get("entry")):
        for raw in _list(_dict(entry).get("messaging")):
            delivery = _delivery(_dict(raw))
            if delivery is not None:
                out.append(delivery)
    return out


def _delivery(raw: dict[str, Any]) -> Delivery | None:
    psid = _dict(raw.get("sender")).get("id")
    if not isinstance(psid, str) or not _PSID_RE.match(psid):
        return None
    stamp = raw.get("timestamp")
    when = str(stamp) if isinstance(stamp, int | str) and not isinstance(stamp, bool) else ""
    message = _dict(raw.get("message"))
    if message:
        if message.get("is_echo"):
            return None
        mid = _id(message.get("mid"))
        return Delivery(mid, psid, raw) if mid else None
    for kind in ("postback", "referral", "reaction"):
        if kind in raw and when:
            mid = _id(_dict(raw[kind]).get("mid"))
            key = f"{kind}:{mid}" if mid and kind == "postback" else f"{kind}:{psid}:{when}:{mid}"
            return Delivery(key[:MAX_ID_CHARS], psid, raw)
    return None


def read_event(raw: dict[str, Any]) -> Inbound | None:
    """What the event (as stored in the inbox) asks for; ``None`` for one that asks nothing."""
    psid = _dict(raw.get("sender")).get("id")
    if not isinstance(psid, str) or not _PSID_RE.match(psid):
        return None
    message = _dict(raw.get("message"))
    if message:
        payload = _dict(message.get("quick_reply")).get("payload")
        if isinstance(payload, str) and payload:
            return Inbound(psid, payload=payload)
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            return Inbound(psid, text=text)
        return Inbound(psid, unsupported=True)
    if "postback" in raw:
        postback = _dict(raw["postback"])
        ref = _ref(postback.get("referral"))
        payload = postback.get("payload")
        if ref is not None or payload == GET_STARTED:
            return Inbound(psid, start=ref or "")
        return Inbound(psid, payload=payload) if isinstance(payload, str) and payload else None
    if "referral" in raw:
        ref = _ref(raw["referral"])
        return Inbound(psid, start=ref) if ref else None
    if "reaction" in raw:
        reaction = _dict(raw["reaction"])
        mid = _id(reaction.get("mid"))
        emoji = reaction.get("emoji") if reaction.get("action") == "react" else ""
        return Inbound(psid, reaction=(mid, emoji if isinstance(emoji, str) else "")) if mid else None
    return None


def _ref(referral: object) -> str | None:
    ref = _dict(referral).get("ref")
    return ref.strip() if isinstance(ref, str) and ref.strip() else None


def _id(value: object) -> str:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
