"""The questions tables (migrations ``005_questions.sql``, ``009_ticket_numbers_never_reused.sql``,
``010_forgettable_questions.sql``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bot.features.questions._repository import MAX_QUESTION_CHARS, PENDING_OFFER, Ticket, Unanswered
from bot.i18n._normalize import tokens
from bot.store.sqlite._store import SQLiteRepository


class SQLiteQuestions(SQLiteRepository):
    """:class:`~bot.features.questions._repository.QuestionRepository` on SQLite (writes group-committed)."""

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

    async def purge_unanswered(self, older_than_seconds: float, now: float) -> int:
        """Delete unanswered-question wordings last asked before ``now - older_than_seconds``; how many went."""
        rows = await self.store.write_returning("DELETE FROM unanswered_questions WHERE last_at < ? RETURNING 1",
                                                (now - older_than_seconds,))
        return len(rows)

    async def purge_tickets(self, older_than_seconds: float, now: float) -> int:
        """Delete tickets (open or answered) last touched before ``now - older_than_seconds``; how many went."""
        rows = await self.store.write_returning("DELETE FROM question_tickets WHERE updated_at < ? RETURNING 1",
                                                (now - older_than_seconds,))
        return len(rows)

    async def close_unsent(self, older_than_seconds: float, now: float) -> int:
        """Clear the "Ask a person" offers (pending ``q:offer:``) of people silent since ``now - older_than_seconds``;
        how many were closed."""
        rows = await self.store.write_returning(
            "UPDATE users SET pending = NULL WHERE substr(pending, 1, ?) = ? AND last_seen < ? RETURNING id",
            (len(PENDING_OFFER), PENDING_OFFER, now - older_than_seconds))
        return len(rows)

    async def unanswered_by_locale(self) -> list[tuple[str, int]]:
        rows = await self.store.db.execute_fetchall(
            "SELECT locale, SUM(count) FROM unanswered_counts GROUP BY locale ORDER BY 2 DESC")
        return [(str(loc), int(n)) for loc, n in rows]
