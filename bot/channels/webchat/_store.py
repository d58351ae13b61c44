"""What the web chat keeps in the database (migration ``022_webchat.sql``): each session's inbox.

Every message the bot sends to a session — the replies of its turns, staff answers to its
tickets, broadcasts — is written here; the page and the script read it back by id, so a
person sees what arrived while the chat was closed the next time they open it.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from bot.core import Outgoing
from bot.store import SQLiteStore

HISTORY = 40
"""The page shows at most this many of a session's latest messages."""


@dataclass(frozen=True)
class Stored:
    """One message of a session's inbox: its id (increasing) and the message as JSON data."""

    id: int
    data: dict[str, Any]


def encode(out: Outgoing) -> dict[str, Any]:
    """The JSON form of a core message (its file's bytes in base64)."""
    data: dict[str, Any] = {"text": out.text, "locale": out.locale, "rtl": out.rtl}
    if out.title:
        data["title"] = out.title
    if out.options:
        data["options"] = [{"label": o.label, "payload": o.payload} for o in out.options]
    if out.location is not None:
        loc = out.location
        data["map"] = f"https://www.openstreetmap.org/?mlat={loc.lat:.5f}&mlon={loc.lon:.5f}#map=17/{loc.lat:.5f}/{loc.lon:.5f}"
        if loc.name:
            data["place"] = loc.name
    if out.document is not None:
        doc = out.document
        data["file"] = {"name": doc.filename, "mime": doc.mime, "data": base64.b64encode(doc.data).decode()}
    return data


class WebChatStore:
    """The ``webchat_messages`` table, in the :class:`~bot.store.SQLiteStore`'s database."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def add(self, user_id: int, messages: list[Outgoing], now: float | None = None) -> int:
        """Append ``messages`` to the user's inbox (committed when this returns); the last new id."""
        if not messages:
            return 0
        now = time.time() if now is None else now
        params: list[object] = []
        for out in messages:
            params += [user_id, json.dumps(encode(out), ensure_ascii=False), now]
        rows = await self.store.write_returning(  # one statement, one commit, for all of a turn's replies
            "INSERT INTO webchat_messages (user_id, body, created_at) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(messages)) + " RETURNING id", tuple(params))
        return max(int(r[0]) for r in rows)

    async def after(self, user_id: int, after_id: int, limit: int = HISTORY) -> list[Stored]:
        """The user's messages with an id above ``after_id``, oldest first; the latest ``limit`` of them."""
        rows = await self.store.db.execute_fetchall(
            "SELECT id, body FROM webchat_messages WHERE user_id = ? AND id > ? ORDER BY id DESC LIMIT ?",
            (user_id, after_id, limit))
        return [Stored(int(r[0]), json.loads(r[1])) for r in reversed(list(rows))]

    async def get(self, user_id: int, message_id: int) -> Stored | None:
        """One of the user's messages (``None`` when it is not theirs or is gone)."""
        rows = list(await self.store.db.execute_fetchall(
            "SELECT id, body FROM webchat_messages WHERE user_id = ? AND id = ?", (user_id, message_id)))
        return Stored(int(rows[0][0]), json.loads(rows[0][1])) if rows else None


async def purge_messages(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete inbox messages older than the limit (the retention job); how many went."""
    rows = await store.write_returning("DELETE FROM webchat_messages WHERE created_at < ? RETURNING id",
                                       ((time.time() if now is None else now) - older_than_seconds,))
    return len(rows)
