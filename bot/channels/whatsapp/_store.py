"""What the WhatsApp channel keeps in the store (:class:`~bot.channels.whatsapp._repository.WhatsAppRepository`).

* Inbound message ids, so that a webhook the Cloud API delivers again is
  answered once, even after a restart; their times also tell whether a user is
  inside the 24-hour customer-service window.
* The delivery status of messages sent outside a turn (broadcasts), keyed by
  the message id the Cloud API returned.
"""

from __future__ import annotations

import time

from bot.channels.whatsapp._repository import WHATSAPP, DeliveryStatus
from bot.settings import DAY_SECONDS, WHATSAPP_INBOUND_DAYS, WHATSAPP_STATUS_DAYS
from bot.store import Store

INBOUND_RETENTION_SECONDS = WHATSAPP_INBOUND_DAYS * DAY_SECONDS
"""Keep inbound ids a week: far longer than the Cloud API retries a webhook and than the 24-hour window."""
STATUS_RETENTION_SECONDS = WHATSAPP_STATUS_DAYS * DAY_SECONDS
"""Delivery statuses are kept a month, long enough to report on a broadcast."""
CUSTOMER_SERVICE_WINDOW_SECONDS = 24 * 3600
"""Free-form messages may be sent only within 24 hours of the user's last message (Cloud API docs,
"Customer service windows")."""

__all__ = ["CUSTOMER_SERVICE_WINDOW_SECONDS", "DeliveryStatus", "WhatsAppStore", "purge_inbound", "purge_statuses"]


class WhatsAppStore:
    """The WhatsApp channel's view of the store: its repository, for the channel ``channel``."""

    def __init__(self, store: Store, channel: str = "whatsapp") -> None:
        self.store = store
        self.repository = store.repository(WHATSAPP)
        self.channel = channel

    async def claim_message(self, message_id: str, user_id: int, sent_at: float, now: float | None = None) -> bool:
        """Record an inbound message; ``False`` when it was seen before (a redelivery: do not answer)."""
        return await self.repository.claim_message(message_id, user_id, sent_at, time.time() if now is None else now)

    async def last_inbound(self, wa_id: str) -> float | None:
        """When the user last wrote to us (within the retention period), or ``None``."""
        return await self.repository.last_inbound(self.channel, wa_id)

    async def in_window(self, wa_id: str, now: float | None = None) -> bool:
        """True when a free-form message may be sent to ``wa_id`` now."""
        now = time.time() if now is None else now
        last = await self.last_inbound(wa_id)
        return last is not None and now - last < CUSTOMER_SERVICE_WINDOW_SECONDS

    async def record_sent(self, message_id: str, wa_id: str, now: float | None = None) -> None:
        """Remember a message sent outside a turn, so its status webhooks are kept."""
        await self.repository.record_sent(self.channel, message_id, wa_id, time.time() if now is None else now)

    async def record_status(self, message_id: str, status: str, error_code: int | None = None,
                            now: float | None = None) -> bool:
        """Apply a status webhook to a recorded message; ``False`` if unknown or older than what we have."""
        return await self.repository.record_status(message_id, status, error_code,
                                                   time.time() if now is None else now)

    async def status(self, message_id: str) -> DeliveryStatus | None:
        """The last known status of a message recorded with :meth:`record_sent`."""
        return await self.repository.status(message_id)

    async def prune(self, now: float | None = None) -> None:
        """Delete inbound ids and statuses older than their retention periods."""
        now = time.time() if now is None else now
        await purge_inbound(self.store, INBOUND_RETENTION_SECONDS, now)
        await purge_statuses(self.store, STATUS_RETENTION_SECONDS, now)


async def purge_inbound(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete ids of inbound messages first seen more than ``older_than_seconds`` ago; how many went."""
    return await store.repository(WHATSAPP).purge_inbound(older_than_seconds, time.time() if now is None else now)


async def purge_statuses(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete delivery statuses last updated more than ``older_than_seconds`` ago; how many went."""
    return await store.repository(WHATSAPP).purge_statuses(older_than_seconds, time.time() if now is None else now)
