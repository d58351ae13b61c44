"""The web chat's view of the store: each session's inbox (:class:`~bot.channels.webchat._repository.WebChatRepository`).

Every message the bot sends to a session — the replies of its turns, staff answers to its
tickets, broadcasts — is written here; the page and the script read it back by id, so a
person sees what arrived while the chat was closed the next time they open it.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from bot.channels.webchat._repository import WEBCHAT, Stored
from bot.core import Outgoing
from bot.store import Store

HISTORY = 40
"""The page shows at most this many of a session's latest messages."""

__all__ = ["HISTORY", "Stored", "WebChatStore", "encode", "purge_messages"]


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
    """The sessions' inboxes, through the store's web chat repository."""

    def __init__(self, store: Store) -> None:
        self.repository = store.repository(WEBCHAT)

    async def add(self, user_id: int, messages: list[Outgoing], now: float | None = None) -> list[Stored]:
        """Append ``messages`` to the user's inbox (committed when this returns); them as stored, with their ids."""
        data = [encode(m) for m in messages]
        bodies = [json.dumps(d, ensure_ascii=False) for d in data]
        ids = await self.repository.add(user_id, bodies, time.time() if now is None else now)
        return [Stored(i, d, b) for i, d, b in zip(ids, data, bodies, strict=True)]

    async def latest(self, user_ids: list[int]) -> dict[int, int]:
        """The id of each of these users' latest message (those without any are left out)."""
        return await self.repository.latest(user_ids)

    async def after(self, user_id: int, after_id: int, limit: int = HISTORY) -> list[Stored]:
        """The user's messages with an id above ``after_id``, oldest first; the latest ``limit`` of them."""
        return await self.repository.after(user_id, after_id, limit)

    async def get(self, user_id: int, message_id: int) -> Stored | None:
        """One of the user's messages (``None`` when it is not theirs or is gone)."""
        return await self.repository.get(user_id, message_id)


async def purge_messages(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete inbox messages older than the limit (the retention job); how many went."""
    return await store.repository(WEBCHAT).purge_messages(older_than_seconds, time.time() if now is None else now)
