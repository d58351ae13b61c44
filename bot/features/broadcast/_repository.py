"""What the broadcast feature keeps: subscriptions, broadcasts and the outbox, behind :class:`BroadcastRepository`.

One outbox row per recipient per broadcast moves ``pending`` -> ``sending``
(leased by one sender) -> ``sent`` | ``failed`` | ``blocked`` | ``skipped``.
A row is marked ``sent`` only after the platform accepted the message. A lease
is a random run token with an expiry that a live sender keeps renewing; rows
whose lease ran out (the sender was killed, in this PID namespace or another,
on this machine or another) are taken over by the next sender, so a crash
loses nothing and repeats only the messages that were in flight.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from bot.store import RepositoryKey


class OutboxState(enum.StrEnum):
    """Where one outbox row stands; the values are what the ``outbox.state`` column holds."""

    PENDING = "pending"  # waiting (again, after a rate limit) for its turn
    SENDING = "sending"  # leased by a sender
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the user blocked the bot
    SKIPPED = "skipped"  # nothing to send them (no text in their language, no template)


STATES = tuple(OutboxState)
DONE_STATES = (OutboxState.SENT, OutboxState.FAILED, OutboxState.BLOCKED, OutboxState.SKIPPED)
UNSUCCESSFUL_STATES = (OutboxState.FAILED, OutboxState.BLOCKED, OutboxState.SKIPPED)
"""The done states whose reason is counted."""
LEASE_SECONDS = 30.0
"""How long a claim holds without renewal; a live sender renews every third of it."""


@dataclass(frozen=True)
class Broadcast:
    """One broadcast (a staff message or an event reminder) and its texts per locale."""

    id: int
    kind: str
    topics: tuple[str, ...]
    channel: str | None
    event_id: str | None
    occurrence: str | None
    texts: dict[str, str]
    purpose: str
    rate: float | None
    ready: bool
    created_at: float
    finished_at: float | None


@dataclass(frozen=True)
class Row:
    """One claimed outbox row: a recipient of a broadcast."""

    id: int
    broadcast_id: int
    user_id: int
    channel: str
    channel_user_id: str
    locale: str
    attempts: int


@dataclass
class Counts:
    """Outcomes of a broadcast: rows per state, and reasons of the unsuccessful ones."""

    states: dict[str, int] = field(default_factory=dict)
    reasons: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def done(self) -> int:
        return sum(self.states.get(s, 0) for s in DONE_STATES)

    def __getitem__(self, state: str) -> int:
        return self.states.get(state, 0)


class BroadcastRepository(Protocol):
    """Subscriptions, broadcasts and their outbox rows (one per recipient)."""

    async def subscribe(self, user_id: int, topic: str) -> None:
        ...

    async def unsubscribe(self, user_id: int, topic: str | None = None) -> None:
        """Remove one subscription, or all of them when ``topic`` is ``None``."""

    async def subscriptions(self, user_id: int) -> set[str]:
        ...

    async def audience(self, topics: Iterable[str], channel: str | None = None) -> dict[tuple[str, str], int]:
        """Active subscribers of any of ``topics``, counted per (channel, locale)."""

    async def create(self, *, kind: str, topics: Iterable[str], texts: dict[str, str], channel: str | None = None,
                     rate: float | None = None, purpose: str = "broadcast", event_id: str | None = None,
                     occurrence: str | None = None) -> int | None:
        """Record a broadcast and write its outbox rows; its id, or ``None`` for a reminder that exists already.

        The rows are written in a second transaction; a crash between the two
        leaves the broadcast not ``ready``, and :meth:`populate` finishes it.
        """

    async def populate(self, broadcast_id: int) -> None:
        """Write one outbox row per current subscriber, and mark the broadcast ready (one transaction)."""

    async def get(self, broadcast_id: int) -> Broadcast | None:
        ...

    async def find_reminder(self, event_id: str, occurrence: str) -> Broadcast | None:
        ...

    async def unfinished(self, kind: str | None = None) -> list[Broadcast]:
        ...

    async def recent(self, limit: int = 20) -> list[Broadcast]:
        ...

    async def finish_if_done(self, broadcast_id: int) -> bool:
        """Mark the broadcast finished when every row has an outcome; True if it is finished."""

    async def claim(self, broadcast_id: int, channels: Iterable[str], limit: int, *, token: str,
                    lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> list[Row]:
        """Lease up to ``limit`` rows of ``channels`` that may be sent now, in outbox order, to ``token``.

        Rows are pending ones whose wait is over, and rows another sender leased whose lease ran
        out (that sender died or hung): a row is sent again only if its sender stopped mid-send.
        """

    async def renew(self, token: str, lease_seconds: float = LEASE_SECONDS, now: float | None = None) -> None:
        """Extend every lease ``token`` holds (a live sender does this well before they run out)."""

    async def next_retry(self, broadcast_id: int, channels: Iterable[str], token: str | None = None) -> float | None:
        """When the next row of ``channels`` may be taken: the earliest wait of a pending row, or the
        earliest expiry of another sender's lease (``None``: nothing is left to send)."""

    async def mark(self, row_id: int, state: OutboxState, reason: str | None = None) -> None:
        """Record a row's outcome (``sent``, ``failed``, ``blocked`` or ``skipped``)."""

    async def retry(self, row_id: int, not_before: float, reason: str) -> None:
        """Put a row back to ``pending``, not to be sent before ``not_before``."""

    async def release_expired_claims(self, now: float | None = None) -> int:
        """Put rows whose lease ran out (their sender stopped) back to ``pending``; how many."""

    async def leased(self) -> int:
        """Rows some sender holds a live lease on (being sent right now, here or elsewhere)."""

    async def counts(self, broadcast_id: int) -> Counts:
        ...

    async def purge(self, older_than_seconds: float, now: float) -> int:
        """Delete broadcasts finished (or, never finished, created) before ``now - older_than_seconds``, with
        their outbox rows (the recipients' platform ids); how many broadcasts went."""


BROADCASTS: RepositoryKey[BroadcastRepository] = RepositoryKey("broadcast")
