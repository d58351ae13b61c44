"""The web chat's inbox (migration ``022_webchat.sql``): the messages the bot sent each session, as JSON."""

from __future__ import annotations

import json

from bot.channels.webchat._repository import Stored
from bot.store.sqlite._store import SQLiteRepository


class SQLiteWebChat(SQLiteRepository):
    """:class:`~bot.channels.webchat._repository.WebChatRepository` on SQLite (table ``webchat_messages``)."""

    async def add(self, user_id: int, bodies: list[str], now: float) -> list[int]:
        if not bodies:
            return []
        params: list[object] = []
        for body in bodies:
            params += [user_id, body, now]
        rows = await self.store.write_returning(  # one statement, one commit, for all of a turn's replies
            "INSERT INTO webchat_messages (user_id, body, created_at) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(bodies)) + " RETURNING id", tuple(params))
        return sorted(int(r[0]) for r in rows)

    async def after(self, user_id: int, after_id: int, limit: int) -> list[Stored]:
        rows = await self.store.db.execute_fetchall(
            "SELECT id, body FROM webchat_messages WHERE user_id = ? AND id > ? ORDER BY id DESC LIMIT ?",
            (user_id, after_id, limit))
        return [Stored(int(r[0]), json.loads(r[1]), r[1]) for r in reversed(list(rows))]

    async def get(self, user_id: int, message_id: int) -> Stored | None:
        rows = list(await self.store.db.execute_fetchall(
            "SELECT id, body FROM webchat_messages WHERE user_id = ? AND id = ?", (user_id, message_id)))
        return Stored(int(rows[0][0]), json.loads(rows[0][1]), rows[0][1]) if rows else None

    async def latest(self, user_ids: list[int]) -> dict[int, int]:
        if not user_ids:
            return {}
        rows = await self.store.db.execute_fetchall(
            "SELECT user_id, MAX(id) FROM webchat_messages WHERE user_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY user_id", (json.dumps(user_ids),))
        return {int(r[0]): int(r[1]) for r in rows}

    async def purge_messages(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.write_returning(
            "DELETE FROM webchat_messages WHERE created_at < ? RETURNING 1", (now - older_than_seconds,)))
