"""The WhatsApp channel on Meta's Cloud API: signed webhooks in, interactive messages out.

Configuration (see the README, section WhatsApp): ``WHATSAPP_TOKEN``,
``WHATSAPP_PHONE_NUMBER_ID``, ``WHATSAPP_APP_SECRET``, ``WHATSAPP_VERIFY_TOKEN``,
optional ``WHATSAPP_API_BASE_URL`` and ``WHATSAPP_TEMPLATES``.
"""

from bot.channels.whatsapp._channel import (
    WEBHOOK_PATH,
    WhatsAppChannel,
    WhatsAppSender,
    standalone_sender,
)
from bot.channels.whatsapp._client import CloudApiClient, CloudApiError
from bot.channels.whatsapp._config import Template, Templates, WhatsAppConfig
from bot.channels.whatsapp._paging import Pager, labels
from bot.channels.whatsapp._store import DeliveryStatus, WhatsAppStore
from bot.channels.whatsapp._webhook import language_hint, signature
from bot.core import Engine

channel_class = WhatsAppChannel
"""What the channel registry runs (see :class:`bot.channels.ChannelSpec`)."""


def preview_renderer(engine: Engine) -> Pager:
    """``marhaba preview``'s WhatsApp rendering: the channel's own pager (a long menu paged as WhatsApp shows it)."""
    pager = Pager(engine)
    pager.install()
    return pager


__all__ = [
    "WEBHOOK_PATH",
    "CloudApiClient",
    "CloudApiError",
    "DeliveryStatus",
    "Template",
    "Templates",
    "WhatsAppChannel",
    "WhatsAppConfig",
    "WhatsAppSender",
    "WhatsAppStore",
    "Pager",
    "labels",
    "channel_class",
    "preview_renderer",
    "language_hint",
    "signature",
    "standalone_sender",
]
