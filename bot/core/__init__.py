"""The engine: an incoming event in, outgoing messages out. It imports no messaging library."""

from bot.core._engine import (
    KEYWORDS,
    MAX_TEXT_CHARS,
    Command,
    Engine,
    Guard,
    Handler,
    Turn,
    clean_text,
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
from bot.core._flood import FloodControl, FloodLimits, Verdict
from bot.core._render import details_text, node_option, node_title, render_node

__all__ = [
    "KEYWORDS",
    "MAX_PAYLOAD_BYTES",
    "MAX_TEXT_CHARS",
    "Command",
    "ContactCard",
    "Document",
    "Engine",
    "FloodControl",
    "FloodLimits",
    "Guard",
    "Handler",
    "Incoming",
    "Option",
    "Outgoing",
    "Place",
    "Turn",
    "Verdict",
    "clean_text",
    "details_text",
    "node_option",
    "node_title",
    "render_node",
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
