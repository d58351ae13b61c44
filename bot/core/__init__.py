"""The engine: an incoming event in, outgoing messages out. It imports no messaging library."""

from bot.core._engine import (
    MAX_TEXT_CHARS,
    Engine,
    Guard,
    Pending,
    Turn,
    clean_text,
    typed_number,
)
from bot.core._events import (
    MAX_PAYLOAD_BYTES,
    ContactCard,
    Document,
    Incoming,
    Option,
    Outgoing,
    Place,
)
from bot.core._feature import Feature
from bot.core._flood import FloodControl, FloodLimits, Verdict
from bot.core._keywords import KEYWORDS, Keywords, keyword_collisions
from bot.core._render import (
    MAIN_MENU,
    MARK_DONE,
    details_text,
    node_option,
    node_title,
    render_node,
    ui_option,
)
from bot.core._router import Command, DuplicateHandler, Handler, Middleware, Reactions, Router

__all__ = [
    "Reactions",
    "MAIN_MENU",
    "MARK_DONE",
    "KEYWORDS",
    "MAX_PAYLOAD_BYTES",
    "MAX_TEXT_CHARS",
    "Command",
    "ContactCard",
    "Document",
    "DuplicateHandler",
    "Feature",
    "Middleware",
    "Router",
    "Engine",
    "FloodControl",
    "FloodLimits",
    "Guard",
    "Handler",
    "Incoming",
    "Keywords",
    "Option",
    "Outgoing",
    "Pending",
    "Place",
    "Turn",
    "Verdict",
    "clean_text",
    "details_text",
    "keyword_collisions",
    "node_option",
    "node_title",
    "render_node",
    "ui_option",
    "typed_number",
]

from bot.core._delivery import (  # noqa: E402
    Blocked,
    DeliveryError,
    OutsideWindow,
    RetryLater,
    Sender,
    Undeliverable,
)

__all__ += ["Blocked", "DeliveryError", "OutsideWindow", "RetryLater", "Sender", "Undeliverable"]

from bot.core._engine import DEEP_LINK, deep_link_payload, parse_deep_link  # noqa: E402

__all__ += ["DEEP_LINK", "deep_link_payload", "parse_deep_link"]

from bot.core._channel import FALLBACK_PROFILE, ChannelProfile  # noqa: E402
from bot.core._conversation import (  # noqa: E402
    REPLY_RETRY,
    Deliver,
    Isolation,
    RetryPolicy,
    deliver_reply,
    mark_blocked,
    retrying,
)

__all__ += ["FALLBACK_PROFILE", "REPLY_RETRY", "ChannelProfile", "Deliver", "Isolation", "RetryPolicy",
            "deliver_reply", "mark_blocked", "retrying"]
