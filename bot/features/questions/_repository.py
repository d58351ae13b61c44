"""What the questions feature keeps in the database (migrations ``005_questions.sql``, ``010_forgettable_questions.sql``).

* Tickets: questions a newcomer sent to staff by pressing "Ask a person", tied to
  them (deleted with them, and after the retention period: :func:`purge_tickets`).
* Unanswered questions: each person's wording, locale, when and how often, tied to
  them only so that /forget deletes their words; staff see them grouped, with no
  identity (:meth:`QuestionRepository.unanswered`). Purged after the retention period
  (:func:`purge_unanswered`).
* Unanswered counts: how many questions a day and language were not answered, for
  statistics: no text, no person, so they outlive both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.store import RepositoryKey

MAX_QUESTION_CHARS = 1000
"""A stored question is cut to this; a question longer than a page is not a question for the index."""
PENDING_OFFER = "q:offer:"
"""While "Ask a person" is offered for a question the bot could not answer, the user's pending state is
``q:offer:<locale>:<question>``: the only copy of that question meant for staff. It is not a ticket: it
goes when the person moves on (every page they open clears the pending state), when the next question
replaces it, with /forget, or after a day (:func:`close_unsent`). Pressing the button makes the ticket."""


@dataclass(frozen=True)
class Ticket:
    """A question handed to staff, with the channel and id of the newcomer who asked it."""

    id: int
    user_id: int
    channel: str
    channel_user_id: str
    locale: str
    question: str
    status: str
    created_at: float


@dataclass(frozen=True)
class Unanswered:
    """A question the content did not answer: its latest wording, locale, first and last time, count."""

    question: str
    locale: str
    count: int
    first_at: float
    last_at: float


class QuestionRepository(Protocol):
    """Tickets, unanswered questions and their daily counts."""

    async def create_ticket(self, user_id: int, locale: str, question: str, status: str = "draft",
                            now: float | None = None) -> int:
        """A new ticket for ``user_id``; its number."""

    async def ticket(self, ticket_id: int) -> Ticket | None:
        ...

    async def closed_reason(self, ticket_id: int) -> str | None:
        """Why a ticket that was sent to staff no longer exists: ``"forgotten"`` (the person used
        /forget) or ``"expired"`` (the retention purge); ``None`` when no such ticket was ever sent."""

    async def set_status(self, ticket_id: int, status: str, now: float | None = None) -> None:
        ...

    async def delete_ticket(self, ticket_id: int) -> None:
        """Delete a ticket that never reached staff (its text goes with it)."""

    async def record_unanswered(self, user_id: int, question: str, locale: str, now: float | None = None) -> None:
        """Keep a question the content did not answer: this person's wording (deleted with them), and one more
        in the day's count (which names nobody)."""

    async def unanswered(self, limit: int = 100) -> list[Unanswered]:
        """Unanswered questions, the most frequent first, then the most recent; the same question (normalized)
        in the same locale is one row however many people asked it, shown in its latest wording."""

    async def purge_unanswered(self, older_than_seconds: float, now: float) -> int:
        """Delete unanswered-question wordings last asked before ``now - older_than_seconds``; how many went."""

    async def purge_tickets(self, older_than_seconds: float, now: float) -> int:
        """Delete tickets (open or answered) last touched before ``now - older_than_seconds``; how many went."""

    async def close_unsent(self, older_than_seconds: float, now: float) -> int:
        """Clear the "Ask a person" offers (pending ``q:offer:``) of people silent since ``now - older_than_seconds``;
        how many were closed."""

    async def unanswered_by_locale(self) -> list[tuple[str, int]]:
        """(locale, questions not answered) from the daily counts (no text, no person), most first."""


QUESTIONS: RepositoryKey[QuestionRepository] = RepositoryKey("questions")
