"""What the questions feature keeps in the database (migrations ``005_questions.sql``, ``010_forgettable_questions.sql``).

* Tickets: questions a newcomer sent to staff by pressing "Ask a person", tied to
  them (deleted with them, and after the retention period: :func:`purge_tickets`).
* Unanswered questions: each person's wording, locale, when and how often, tied to
  them only so that /forget deletes their words; staff see them grouped, with no
  identity (:meth:`QuestionStore.unanswered`). Purged after the retention period
  (:func:`purge_unanswered`).
* Unanswered counts: how many questions a day and language were not answered, for
  statistics: no text, no person, so they outlive both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.i18n._normalize import tokens
from bot.store import SQLiteStore

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


class QuestionStore:
    """The questions tables, in the :class:`~bot.store.SQLiteStore`'s database (writes group-committed)."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store

    async def create_ticket(self, user_id: int, locale: str, question: str, status: str = "draft",
                            now: float | None = None) -> int:
        """A new ticket for ``user_id``; its number."""
        now = time.time() if now is None else now
        rows = await self.store.write_returning(
            "INSERT INTO question_tickets (user_id, locale, question, status, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (user_id, locale, question[:MAX_QUESTION_CHARS], status, now, now),
        )
        return int(rows[0][0])

    async def ticket(self, ticket_id: int) -> Ticket | None:
        rows = await self.store.db.execute_fetchall(
            "SELECT t.id, t.user_id, u.channel, u.channel_user_id, t.locale, t.question, t.status, t.created_at "
            "FROM question_tickets t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
            (ticket_id,),
        )
        return Ticket(*next(iter(rows))) if rows else None

    async def closed_reason(self, ticket_id: int) -> str | None:
        """Why a ticket that was sent to staff no longer exists: ``"forgotten"`` (the person used
        /forget) or ``"expired"`` (the retention purge); ``None`` when no such ticket was ever sent."""
        rows = await self.store.db.execute_fetchall("SELECT reason FROM closed_tickets WHERE id = ?", (ticket_id,))
        return str(next(iter(rows))[0]) if rows else None

    async def set_status(self, ticket_id: int, status: str, now: float | None = None) -> None:
        await self.store.write(("UPDATE question_tickets SET status = ?, updated_at = ? WHERE id = ?",
                                (status, time.time() if now is None else now, ticket_id)))

    async def delete_ticket(self, ticket_id: int) -> None:
        """Delete a ticket that never reached staff (its text goes with it)."""
        await self.store.write(("DELETE FROM question_tickets WHERE id = ? AND status = 'draft'", (ticket_id,)))

    async def record_unanswered(self, user_id: int, question: str, locale: str, now: float | None = None) -> None:
        """Keep a question the content did not answer: this person's wording (deleted with them), and one more
        in the day's count (which names nobody)."""
        now = time.time() if now is None else now
        text = question[:MAX_QUESTION_CHARS]
        key = " ".join(tokens(text))
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        await self.store.write(
            ("INSERT INTO unanswered_questions (question_key, locale, user_id, question, first_at, last_at) "
             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (question_key, locale, user_id) DO UPDATE SET "
             "count = count + 1, last_at = excluded.last_at, question = excluded.question",
             (key, locale, user_id, text, now, now)),
            ("INSERT INTO unanswered_counts (day, locale, count) VALUES (?, ?, 1) "
             "ON CONFLICT (day, locale) DO UPDATE SET count = count + 1", (day, locale)),
        )

    async def unanswered(self, limit: int = 100) -> list[Unanswered]:
        """Unanswered questions, the most frequent first, then the most recent; the same question (normalized)
        in the same locale is one row however many people asked it, shown in its latest wording."""
        rows = await self.store.db.execute_fetchall(
            # With MAX(), SQLite takes the bare column (question) from the row holding the maximum.
            "SELECT question, locale, SUM(count), MIN(first_at), MAX(last_at) FROM unanswered_questions "
            "GROUP BY question_key, locale ORDER BY 3 DESC, 5 DESC LIMIT ?",
            (limit,),
        )
        return [Unanswered(*r) for r in rows]


async def purge_unanswered(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete unanswered-question wordings last asked more than ``older_than_seconds`` ago; how many went."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    rows = await store.write_returning("DELETE FROM unanswered_questions WHERE last_at < ? RETURNING 1", (cutoff,))
    return len(rows)


async def purge_tickets(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Delete tickets (open or answered) last touched more than ``older_than_seconds`` ago; how many went."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    rows = await store.write_returning("DELETE FROM question_tickets WHERE updated_at < ? RETURNING 1", (cutoff,))
    return len(rows)


async def close_unsent(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Close "Ask a person" offers of people who have not written for ``older_than_seconds``: the question
    text in their pending state goes. How many were closed."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    rows = await store.write_returning(
        "UPDATE users SET pending = NULL WHERE substr(pending, 1, ?) = ? AND last_seen < ? RETURNING id",
        (len(PENDING_OFFER), PENDING_OFFER, cutoff))
    return len(rows)
