"""What the web chat keeps: each session's inbox, the messages the bot sent it (migration ``022_webchat.sql``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.store import RepositoryKey


@dataclass(frozen=True)
class Stored:
    """One message of a session's inbox: its id (increasing, never reused) and the message as JSON data.

    ``body`` is the same message as the JSON text stored (when it came from the inbox): answers to
    the script are built from it, so a message is encoded once, when it is stored.
    """

    id: int
    data: dict[str, Any]
    body: str = field(default="", compare=False, repr=False)


class WebChatRepository(Protocol):
    async def add(self, user_id: int, bodies: list[str], now: float) -> list[int]:
        """Append messages (``bodies``: each one's JSON text) to the user's inbox, in order, committed
        when this returns; their new ids, in the same order (``[]`` for none)."""

    async def after(self, user_id: int, after_id: int, limit: int) -> list[Stored]:
        """The user's messages with an id above ``after_id``, oldest first; the latest ``limit`` of them."""

    async def get(self, user_id: int, message_id: int) -> Stored | None:
        """One of the user's messages (``None`` when it is not theirs or is gone)."""

    async def latest(self, user_ids: list[int]) -> dict[int, int]:
        """The id of each of these users' latest message (users without any are left out): one query
        for every waiting long poll, to notice what another process stored."""

    async def purge_messages(self, older_than_seconds: float, now: float) -> int:
        """Delete messages stored before ``now - older_than_seconds``; how many went."""


WEBCHAT: RepositoryKey[WebChatRepository] = RepositoryKey("webchat")
"""The web chat's inbox table (migration ``022_webchat.sql``)."""
