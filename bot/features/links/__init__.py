"""Deep links and QR codes for posters: each topic one scan away, on Telegram, WhatsApp, Messenger and
the web chat.

``t.me/<bot>?start=<payload>`` arrives as ``/start <payload>``; ``wa.me/<number>?text=/start <payload>``
as a first message with that text; ``m.me/<page>?ref=<payload>`` as the ``ref`` of a Messenger referral;
``<site>/chat?start=<node>&lang=<locale>`` opens the web chat there. The engine reads the payload
(:func:`bot.core.parse_deep_link`).
"""

from __future__ import annotations

from bot.features.links._cli import register_cli
from bot.features.links._links import (
    EXAMPLE_NUMBER,
    EXAMPLE_PAGE,
    EXAMPLE_USERNAME,
    EXAMPLE_WEBCHAT_URL,
    Targets,
    TopicLinks,
    check_number,
    check_page,
    check_username,
    check_webchat_url,
    messenger_link,
    telegram_link,
    topic_links,
    webchat_link,
    whatsapp_link,
    write_qr_codes,
)

__all__ = ["register_cli", "EXAMPLE_NUMBER", "EXAMPLE_PAGE", "EXAMPLE_USERNAME", "EXAMPLE_WEBCHAT_URL", "Targets",
           "TopicLinks", "check_number", "check_page", "check_username", "check_webchat_url", "messenger_link",
           "telegram_link", "topic_links", "webchat_link", "whatsapp_link", "write_qr_codes"]
