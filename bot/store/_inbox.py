"""The durable inbox of webhook updates, behind :class:`InboxRepository`.

A channel calls :meth:`Inbox.accept` before it acknowledges a webhook and
:meth:`Inbox.done` once the update's turn has run; at start it hands the
updates still waiting (:meth:`Inbox.waiting`) to its handler again.

An update accepted with its user's key can also be taken one at a time, per user, in the
order updates were accepted (:meth:`Inbox.claim_next`), under a claim: a run token and an
expiry that the worker renews while it lives (:meth:`Inbox.renew`). Several workers share one
inbox this way: the one holding a user's lock (:meth:`bot.store.Store.user_lock`) takes that
user's updates in order, and rows whose claim ran out (their worker died) or that nobody took
(:meth:`Inbox.orphans`) are taken over; a row a live worker claimed never is.
"""

from __future__ import annotations

import hashlib
import time
from typing import Protocol

from bot.store._base import RepositoryKey, Store


class InboxRepository(Protocol):
    """Webhook updates by channel, deduplicated by the platform's own id."""

    async def accept(self, channel: str, platform_id: str, payload: str, now: float,
                     user_key: str | None = None, kept_as: str | None = None) -> bool:
        """Store a new update (committed when this returns); False for one already received, or handled
        and kept as ``kept_as``."""

    async def claim_next(self, channel: str, user_key: str, token: str, until: float,
                         now: float) -> tuple[str, str] | None:
        """Claim the oldest (first accepted) update of ``user_key`` not yet done for ``token`` until ``until``;
        (platform id, payload), or ``None`` when there is none or it is claimed by another token whose
        claim runs past ``now`` (a live worker is handling it)."""

    async def renew(self, token: str, until: float) -> None:
        """Extend every claim of ``token`` on updates not yet done to ``until``."""

    async def release(self, token: str) -> None:
        """Drop every claim of ``token`` on updates not yet done (a worker stopping): others may take them."""

    async def orphans(self, channel: str, now: float, unclaimed_before: float) -> list[str]:
        """User keys with updates not done whose claim ran out by ``now``, or that nobody claimed and were
        accepted before ``unclaimed_before``."""

    async def done(self, channel: str, platform_id: str, now: float, kept_as: str | None = None) -> None:
        """The update's turn has run: forget its content and its user; keep its id (as ``kept_as`` when
        given) against redelivery."""

    async def waiting(self, channel: str) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""

    async def purge(self, older_than_seconds: float, now: float) -> int:
        """Delete the ids of updates handled before ``now - older_than_seconds``; how many."""


INBOX: RepositoryKey[InboxRepository] = RepositoryKey("inbox")


def kept_id(platform_id: str) -> str:
    """What is kept of a handled update's id: a digest. A WhatsApp message id carries the sender's phone
    number (base64), and the kept ids outlive ``/forget`` (they no longer name their person)."""
    return "sha256:" + hashlib.sha256(platform_id.encode("utf-8")).hexdigest()


class Inbox:
    """Updates of one ``channel``, deduplicated by the platform's own id (by its digest once handled)."""

    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel
        self._repository = store.repository(INBOX)

    async def accept(self, platform_id: str, payload: str, now: float | None = None, *,
                     user: str | None = None) -> bool:
        """Store a new update (committed when this returns); False for one already received.

        With ``user`` (the platform's user id) it can be taken in order with :meth:`claim_next`."""
        return await self._repository.accept(self.channel, platform_id, payload, time.time() if now is None else now,
                                             user, kept_id(platform_id))

    async def claim_next(self, user: str, token: str, seconds: float,
                         now: float | None = None) -> tuple[str, str] | None:
        """``user``'s first update not yet done, claimed for ``token`` for ``seconds``: (platform id, payload);
        ``None`` when there is none or another live worker has it."""
        now = time.time() if now is None else now
        return await self._repository.claim_next(self.channel, user, token, now + seconds, now)

    async def renew(self, token: str, seconds: float, now: float | None = None) -> None:
        """Extend ``token``'s claims (on every channel) by ``seconds`` from now."""
        await self._repository.renew(token, (time.time() if now is None else now) + seconds)

    async def release(self, token: str) -> None:
        """Drop ``token``'s claims on updates not yet done (on every channel)."""
        await self._repository.release(token)

    async def orphans(self, unclaimed_for: float, now: float | None = None) -> list[str]:
        """Users with updates nobody is handling: a claim ran out, or unclaimed for ``unclaimed_for`` seconds."""
        now = time.time() if now is None else now
        return await self._repository.orphans(self.channel, now, now - unclaimed_for)

    async def done(self, platform_id: str, now: float | None = None) -> None:
        """The update's turn has run: forget its content and its user, keep its id's digest against redelivery."""
        await self._repository.done(self.channel, platform_id, time.time() if now is None else now,
                                    kept_id(platform_id))

    async def waiting(self) -> list[tuple[str, str]]:
        """(platform id, payload) of updates received but not handled (a crash), oldest first."""
        return await self._repository.waiting(self.channel)


async def purge_inbox(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete the ids of updates handled before the limit (for the retention job); how many."""
    return await store.repository(INBOX).purge(older_than_seconds, time.time() if now is None else now)
