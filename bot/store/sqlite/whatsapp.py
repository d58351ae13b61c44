"""The WhatsApp tables (migration ``003_whatsapp.sql``)."""

from __future__ import annotations

from bot.channels.whatsapp._repository import STATUS_RANK, DeliveryStatus
from bot.store.sqlite._store import SQLiteRepository

_RANK_SQL = "CASE status " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in STATUS_RANK.items()) + " ELSE -1 END"


class SQLiteWhatsApp(SQLiteRepository):
    """:class:`~bot.channels.whatsapp._repository.WhatsAppRepository` on SQLite."""

    async def claim_message(self, message_id: str, user_id: int, sent_at: float, now: float) -> bool:
        # ON CONFLICT on the id only: any other failure (a NOT NULL) raises, never passes for a redelivery.
        rows = await self.store.write_returning(
            "INSERT INTO whatsapp_inbound (message_id, user_id, sent_at, received_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (message_id) DO NOTHING RETURNING message_id",
            (message_id, user_id, min(sent_at, now), now),
        )
        return len(rows) == 1

    async def last_inbound(self, channel: str, wa_id: str) -> float | None:
        async with self.store.db.execute(
            "SELECT MAX(i.sent_at) FROM whatsapp_inbound i JOIN users u ON u.id = i.user_id "
            "WHERE u.channel = ? AND u.channel_user_id = ?",
            (channel, wa_id),
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row and row[0] is not None else None

    async def record_sent(self, channel: str, message_id: str, wa_id: str, now: float) -> None:
        await self.store.write((
            "INSERT OR IGNORE INTO whatsapp_statuses (message_id, user_id, status, updated_at) "
            "SELECT ?, id, 'accepted', ? FROM users WHERE channel = ? AND channel_user_id = ?",
            (message_id, now, channel, wa_id),
        ))

    async def record_status(self, message_id: str, status: str, error_code: int | None, now: float) -> bool:
        rank = STATUS_RANK.get(status)
        if rank is None:
            return False
        rows = await self.store.write_returning(
            f"UPDATE whatsapp_statuses SET status = ?, error_code = ?, updated_at = ? "
            f"WHERE message_id = ? AND ({_RANK_SQL}) < ? RETURNING message_id",
            (status, error_code, now, message_id, rank),
        )
        return len(rows) == 1

    async def status(self, message_id: str) -> DeliveryStatus | None:
        async with self.store.db.execute(
            "SELECT message_id, status, error_code, updated_at FROM whatsapp_statuses WHERE message_id = ?",
            (message_id,),
        ) as cur:
            row = await cur.fetchone()
        return DeliveryStatus(*row) if row else None

    async def purge_inbound(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.write_returning(
            "DELETE FROM whatsapp_inbound WHERE received_at < ? RETURNING 1", (now - older_than_seconds,)))

    async def purge_statuses(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.write_returning(
            "DELETE FROM whatsapp_statuses WHERE updated_at < ? RETURNING 1", (now - older_than_seconds,)))
