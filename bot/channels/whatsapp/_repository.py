"""What the WhatsApp channel keeps: inbound message ids and the delivery status of messages it sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.store import RepositoryKey

STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
"""Statuses can arrive out of order; a later webhook never moves a message back (``read`` stays ``read``)."""


@dataclass(frozen=True)
class DeliveryStatus:
    """The last known status of one sent message."""

    message_id: str
    status: str
    error_code: int | None
    updated_at: float


class WhatsAppRepository(Protocol):
    async def claim_message(self, message_id: str, user_id: int, sent_at: float, now: float) -> bool:
        """Record an inbound message; ``False`` when it was seen before (a redelivery: do not answer)."""

    async def last_inbound(self, channel: str, wa_id: str) -> float | None:
        """When the user last wrote (of the inbound messages kept), or ``None``."""

    async def record_sent(self, channel: str, message_id: str, wa_id: str, now: float) -> None:
        """Remember a message sent outside a turn as ``accepted``, so its status webhooks are kept."""

    async def record_status(self, message_id: str, status: str, error_code: int | None, now: float) -> bool:
        """Apply a status (one of :data:`STATUS_RANK`) to a recorded message; ``False`` if unknown or older."""

    async def status(self, message_id: str) -> DeliveryStatus | None:
        """The last known status of a message recorded with :meth:`record_sent`."""

    async def purge_inbound(self, older_than_seconds: float, now: float) -> int:
        """Delete ids of inbound messages first seen before ``now - older_than_seconds``; how many went."""

    async def purge_statuses(self, older_than_seconds: float, now: float) -> int:
        """Delete delivery statuses last updated before ``now - older_than_seconds``; how many went."""


WHATSAPP: RepositoryKey[WhatsAppRepository] = RepositoryKey("whatsapp")
