"""The web chat: ``/chat`` on Marhaba's own web server, for the organisation's site and QR codes.

It works without JavaScript (server-rendered HTML, options as buttons in a form); with it, a
small script of its own sends without reloading and receives by long polling. Configuration
(see the README, section Web chat): ``MARHABA_WEBCHAT=1`` serves it in ``marhaba run``,
``MARHABA_WEBCHAT_ORIGINS`` lists the sites that may embed ``/chat/widget.js``.
"""

from bot.channels.webchat._channel import (
    CHANNEL,
    COOKIE,
    InboxSender,
    WebChatChannel,
    WebChatSender,
    session_user_id,
    standalone_sender,
)
from bot.channels.webchat._config import WebChatConfig
from bot.channels.webchat._page import CHAT_PATH, FORGET_PATH
from bot.channels.webchat._preview import WebChatPreview, preview_renderer
from bot.channels.webchat._store import WebChatStore, purge_messages

channel_class = WebChatChannel
"""What the channel registry runs (``bot/channels/_registry.py``, the ``webchat`` entry)."""

__all__ = [
    "CHANNEL",
    "CHAT_PATH",
    "COOKIE",
    "FORGET_PATH",
    "InboxSender",
    "WebChatChannel",
    "WebChatConfig",
    "WebChatPreview",
    "WebChatSender",
    "WebChatStore",
    "channel_class",
    "preview_renderer",
    "purge_messages",
    "session_user_id",
    "standalone_sender",
]
