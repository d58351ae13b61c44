"""The WhatsApp tables (migration ``006_whatsapp.sql``)."""

from __future__ import annotations

from bot.channels.whatsapp._repository import STATUS_RANK, DeliveryStatus
from bot.store.postgres._store import PostgresRepository

_RANK_SQL = "CASE status " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in STATUS_RANK.items()) + " ELSE -1 END"


class PostgresWhatsApp(PostgresRepository):
    """:class:`~bot.channels.whatsapp._repository.WhatsAppRepository` on PostgreSQL."""

    async def claim_message(self, message_id: str, user_id: int, sent_at: float, now: float) -> bool:
        # ON CONFLICT on the id only: any other failure (a deleted user) raises, never passes for a redelivery.
        claimed = await self.store.fetchval(
            "INSERT INTO whatsapp_inbound (message_id, user_id, sent_at, received_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING message_id", message_id, user_id, min(sent_at, now), now)
        return claimed is not None

    async def last_inbound(self, channel: str, wa_id: str) -> float | None:
        found = await self.store.fetchval(
            "SELECT MAX(i.sent_at) FROM whatsapp_inbound i JOIN users u ON u.id = i.user_id "
            "WHERE u.channel = $1 AND u.channel_user_id = $2", channel, wa_id)
        return None if found is None else float(found)

    async def record_sent(self, channel: str, message_id: str, wa_id: str, now: float) -> None:
        await self.store.fetch(
            "INSERT INTO whatsapp_statuses (message_id, user_id, status, updated_at) "
            "SELECT $1, id, 'accepted', $2 FROM users WHERE channel = $3 AND channel_user_id = $4 "
            "ON CONFLICT (message_id) DO NOTHING", message_id, now, channel, wa_id)

    async def record_status(self, message_id: str, status: str, error_code: int | None, now: float) -> bool:
        rank = STATUS_RANK.get(status)
        if rank is None:
            return False
        updated = await self.store.fetchval(
            f"UPDATE whatsapp_statuses SET status = $1, error_code = $2, updated_at = $3 "
            f"WHERE message_id = $4 AND ({_RANK_SQL}) < $5 RETURNING message_id",
            status, error_code, now, message_id, rank)
        return updated is not None

    async def status(self, message_id: str) -> DeliveryStatus | None:
        rows = await self.store.fetch("SELECT message_id, status, error_code, updated_at FROM whatsapp_statuses "
                                      "WHERE message_id = $1", message_id)
        return DeliveryStatus(*rows[0]) if rows else None

    async def purge_inbound(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.fetch("DELETE FROM whatsapp_inbound WHERE received_at < $1 RETURNING 1",
                                          now - older_than_seconds))

    async def purge_statuses(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.fetch("DELETE FROM whatsapp_statuses WHERE updated_at < $1 RETURNING 1",
                                          now - older_than_seconds))
