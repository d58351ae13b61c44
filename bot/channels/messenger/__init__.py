"""The Facebook Messenger channel on Meta's Messenger Platform: signed webhooks in, the Send API out.

Configuration (see the README, section Messenger): ``MESSENGER_PAGE_TOKEN``, ``MESSENGER_APP_SECRET``,
``MESSENGER_VERIFY_TOKEN``, optional ``MESSENGER_API_BASE_URL``.
"""

from bot.channels.messenger._channel import (
    STANDARD_WINDOW_SECONDS,
    TAGS,
    WEBHOOK_PATH,
    MessengerChannel,
    MessengerSender,
    standalone_sender,
)
from bot.channels.messenger._client import GraphClient, GraphError
from bot.channels.messenger._config import DEFAULT_API_BASE_URL, MessengerConfig
from bot.channels.messenger._paging import Pager
from bot.channels.messenger._profile import FACEBOOK_LOCALES, language_hint, messenger_profile
from bot.channels.messenger._webhook import GET_STARTED, signature
from bot.core import Engine

channel_class = MessengerChannel
"""What the channel registry runs (see :class:`bot.channels.ChannelSpec`)."""


def preview_renderer(engine: Engine) -> Pager:
    """``marhaba preview``'s Messenger rendering: the channel's own pager and renderer (quick replies, button
    templates, text split at the message limit, exactly the Send API messages the channel would send)."""
    pager = Pager(engine)
    pager.install()
    return pager


__all__ = [
    "DEFAULT_API_BASE_URL",
    "FACEBOOK_LOCALES",
    "GET_STARTED",
    "STANDARD_WINDOW_SECONDS",
    "TAGS",
    "WEBHOOK_PATH",
    "GraphClient",
    "GraphError",
    "MessengerChannel",
    "MessengerConfig",
    "MessengerSender",
    "Pager",
    "channel_class",
    "language_hint",
    "messenger_profile",
    "preview_renderer",
    "signature",
    "standalone_sender",
]
