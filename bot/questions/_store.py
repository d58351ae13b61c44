"""What the questions feature keeps in the database (migration ``005_questions.sql``).

* Tickets: questions handed to staff, tied to the newcomer (deleted with them).
* Unanswered questions: text, locale, when and how often, with no user
  identity, kept for a retention period only (:func:`purge_unanswered`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.i18n._normalize import tokens
from bot.store import SQLiteStore

MAX_QUESTION_CHARS = 1000
"""A stored question is cut to this; a question longer than a page is not a question for the index."""


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

    async def record_unanswered(self, question: str, locale: str, now: float | None = None) -> None:
        """Count a question the content did not answer (the same normalized text and locale is one row)."""
        now = time.time() if now is None else now
        text = question[:MAX_QUESTION_CHARS]
        key = " ".join(tokens(text))
        await self.store.write((
            "INSERT INTO unanswered_questions (question_key, locale, question, first_at, last_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_key, locale) DO UPDATE SET "
            "count = count + 1, last_at = excluded.last_at, question = excluded.question",
            (key, locale, text, now, now),
        ))

    async def unanswered(self, limit: int = 100) -> list[Unanswered]:
        """Unanswered questions, the most frequent first, then the most recent."""
        rows = await self.store.db.execute_fetchall(
            "SELECT question, locale, count, first_at, last_at FROM unanswered_questions "
            "ORDER BY count DESC, last_at DESC LIMIT ?",
            (limit,),
        )
        return [Unanswered(*r) for r in rows]


async def purge_unanswered(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> None:
    """Delete question texts older than ``older_than_seconds``: unanswered questions last asked before
    then, and tickets (drafts, open or answered) last touched before then. For the privacy job."""
    cutoff = (time.time() if now is None else now) - older_than_seconds
    await store.write(
        ("DELETE FROM unanswered_questions WHERE last_at < ?", (cutoff,)),
        ("DELETE FROM question_tickets WHERE updated_at < ?", (cutoff,)),
    )
