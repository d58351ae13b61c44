"""What the WhatsApp channel keeps in the database (migration ``003_whatsapp.sql``).

* Inbound message ids, so that a webhook the Cloud API delivers again is
  answered once, even after a restart; their times also tell whether a user is
  inside the 24-hour customer-service window.
* The delivery status of messages sent outside a turn (broadcasts), keyed by
  the message id the Cloud API returned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import aiosqlite

from bot.features.privacy._retention import DAY_SECONDS, WHATSAPP_INBOUND_DAYS, WHATSAPP_STATUS_DAYS
from bot.store import SQLiteStore

INBOUND_RETENTION_SECONDS = WHATSAPP_INBOUND_DAYS * DAY_SECONDS
"""Keep inbound ids a week: far longer than the Cloud API retries a webhook and than the 24-hour window."""
STATUS_RETENTION_SECONDS = WHATSAPP_STATUS_DAYS * DAY_SECONDS
"""Delivery statuses are kept a month, long enough to report on a broadcast."""
CUSTOMER_SERVICE_WINDOW_SECONDS = 24 * 3600
"""Free-form messages may be sent only within 24 hours of the user's last message (Cloud API docs,
"Customer service windows")."""

_STATUS_RANK = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
"""Statuses can arrive out of order; a later webhook never moves a message back (``read`` stays ``read``)."""
_RANK_SQL = "CASE status " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in _STATUS_RANK.items()) + " ELSE -1 END"


@dataclass(frozen=True)
class DeliveryStatus:
    """The last known status of one sent message."""

    message_id: str
    status: str
    error_code: int | None
    updated_at: float


class WhatsAppStore:
    """The WhatsApp tables, in the :class:`~bot.store.SQLiteStore`'s database.

    Reads use the store's connection; writes go through :meth:`SQLiteStore.write`
    so they are group-committed with every other write.
    """

    def __init__(self, store: SQLiteStore, channel: str = "whatsapp") -> None:
        self.store = store
        self.db: aiosqlite.Connection = store.db
        self.channel = channel

    async def claim_message(self, message_id: str, user_id: int, sent_at: float, now: float | None = None) -> bool:
        """Record an inbound message; ``False`` when it was seen before (a redelivery: do not answer)."""
        now = time.time() if now is None else now
        # ON CONFLICT on the id only: any other failure (a NOT NULL) raises, never passes for a redelivery.
        rows = await self.store.write_returning(
            "INSERT INTO whatsapp_inbound (message_id, user_id, sent_at, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING message_id",
            (message_id, user_id, min(sent_at, now), now),
        )
        return len(rows) == 1

    async def last_inbound(self, wa_id: str) -> float | None:
        """When the user last wrote to us (within the retention period), or ``None``."""
        async with self.db.execute(
            "SELECT MAX(i.sent_at) FROM whatsapp_inbound i JOIN users u ON u.id = i.user_id "
            "WHERE u.channel = ? AND u.channel_user_id = ?",
            (self.channel, wa_id),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row and row[0] is not None else None

    async def in_window(self, wa_id: str, now: float | None = None) -> bool:
        """True when a free-form message may be sent to ``wa_id`` now."""
        now = time.time() if now is None else now
        last = await self.last_inbound(wa_id)
        return last is not None and now - last < CUSTOMER_SERVICE_WINDOW_SECONDS

    async def record_sent(self, message_id: str, wa_id: str, now: float | None = None) -> None:
        """Remember a message sent outside a turn, so its status webhooks are kept."""
        await self.store.write((
            "INSERT OR IGNORE INTO whatsapp_statuses (message_id, user_id, status, updated_at) "
            "SELECT ?, id, 'accepted', ? FROM users WHERE channel = ? AND channel_user_id = ?",
            (message_id, time.time() if now is None else now, self.channel, wa_id),
        ))

    async def record_status(self, message_id: str, status: str, error_code: int | None = None,
                            now: float | None = None) -> bool:
        """Apply a status webhook to a recorded message; ``False`` if unknown or older than what we have."""
        rank = _STATUS_RANK.get(status)
        if rank is None:
            return False
        rows = await self.store.write_returning(
            f"UPDATE whatsapp_statuses SET status = ?, error_code = ?, updated_at = ? "
            f"WHERE message_id = ? AND ({_RANK_SQL}) < ? RETURNING message_id",
            (status, error_code, time.time() if now is None else now, message_id, rank),
        )
        return len(rows) == 1

    async def status(self, message_id: str) -> DeliveryStatus | None:
        """The last known status of a message recorded with :meth:`record_sent`."""
        async with self.db.execute(
            "SELECT message_id, status, error_code, updated_at FROM whatsapp_statuses WHERE message_id = ?",
            (message_id,),
        ) as cur:
            row = await cur.fetchone()
        return DeliveryStatus(*row) if row else None

    async def prune(self, now: float | None = None) -> None:
        """Delete inbound ids and statuses older than their retention periods."""
        now = time.time() if now is None else now
        await purge_inbound(self.store, INBOUND_RETENTION_SECONDS, now)
        await purge_statuses(self.store, STATUS_RETENTION_SECONDS, now)


async def purge_inbound(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete ids of inbound messages first seen more than ``older_than_seconds`` ago; how many went."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    return len(await store.write_returning("DELETE FROM whatsapp_inbound WHERE received_at < ? RETURNING 1",
                                           (cutoff,)))


async def purge_statuses(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete delivery statuses last updated more than ``older_than_seconds`` ago; how many went."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    return len(await store.write_returning("DELETE FROM whatsapp_statuses WHERE updated_at < ? RETURNING 1",
                                           (cutoff,)))
