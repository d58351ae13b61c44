"""The web chat's inbox (migration ``011_webchat.sql``): the messages the bot sent each session, as JSON."""

from __future__ import annotations

import json

from bot.channels.webchat._repository import Stored
from bot.store.postgres._store import PostgresRepository


class PostgresWebChat(PostgresRepository):
    """:class:`~bot.channels.webchat._repository.WebChatRepository` on PostgreSQL (table ``webchat_messages``)."""

    async def add(self, user_id: int, bodies: list[str], now: float) -> list[int]:
        if not bodies:
            return []
        # One statement for all of a turn's replies; ids follow the order of the array.
        rows = await self.store.fetch(
            "INSERT INTO webchat_messages (user_id, body, created_at) "
            "SELECT $1, body, $3 FROM unnest($2::text[]) WITH ORDINALITY AS t(body, n) ORDER BY n RETURNING id",
            user_id, bodies, now)
        return sorted(int(r[0]) for r in rows)

    async def after(self, user_id: int, after_id: int, limit: int) -> list[Stored]:
        rows = await self.store.fetch(
            "SELECT id, body FROM webchat_messages WHERE user_id = $1 AND id > $2 ORDER BY id DESC LIMIT $3",
            user_id, after_id, limit)
        return [Stored(int(r[0]), json.loads(r[1]), r[1]) for r in reversed(list(rows))]

    async def get(self, user_id: int, message_id: int) -> Stored | None:
        rows = await self.store.fetch(
            "SELECT id, body FROM webchat_messages WHERE user_id = $1 AND id = $2", user_id, message_id)
        return Stored(int(rows[0][0]), json.loads(rows[0][1]), rows[0][1]) if rows else None

    async def latest(self, user_ids: list[int]) -> dict[int, int]:
        if not user_ids:
            return {}
        rows = await self.store.fetch(
            "SELECT user_id, MAX(id) FROM webchat_messages WHERE user_id = ANY($1::bigint[]) GROUP BY user_id",
            user_ids)
        return {int(r[0]): int(r[1]) for r in rows}

    async def purge_messages(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.fetch("DELETE FROM webchat_messages WHERE created_at < $1 RETURNING 1",
                                          now - older_than_seconds))
