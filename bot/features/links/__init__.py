"""Deep links and QR codes for posters: each topic one scan away, on Telegram and WhatsApp.

``t.me/<bot>?start=<payload>`` arrives as ``/start <payload>``; ``wa.me/<number>?text=/start <payload>``
as a first message with that text. The engine reads the payload (:func:`bot.core.parse_deep_link`).
"""

from __future__ import annotations

from bot.features.links._cli import register_cli
from bot.features.links._links import (
    EXAMPLE_NUMBER,
    EXAMPLE_USERNAME,
    TopicLinks,
    telegram_link,
    topic_links,
    whatsapp_link,
    write_qr_codes,
)

__all__ = ["register_cli", "EXAMPLE_NUMBER", "EXAMPLE_USERNAME", "TopicLinks", "telegram_link", "topic_links", "whatsapp_link",
           "write_qr_codes"]
