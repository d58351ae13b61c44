"""The questions tables (migration ``005_questions.sql``)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bot.features.questions._repository import MAX_QUESTION_CHARS, PENDING_OFFER, Ticket, Unanswered
from bot.i18n._normalize import tokens
from bot.store.postgres._store import PostgresRepository


class PostgresQuestions(PostgresRepository):
    """:class:`~bot.features.questions._repository.QuestionRepository` on PostgreSQL."""

    async def create_ticket(self, user_id: int, locale: str, question: str, status: str = "draft",
                            now: float | None = None) -> int:
        now = time.time() if now is None else now
        return int(await self.store.fetchval(
            "INSERT INTO question_tickets (user_id, locale, question, status, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            user_id, locale, question[:MAX_QUESTION_CHARS], status, now))

    async def ticket(self, ticket_id: int) -> Ticket | None:
        rows = await self.store.fetch(
            "SELECT t.id, t.user_id, u.channel, u.channel_user_id, t.locale, t.question, t.status, t.created_at "
            "FROM question_tickets t JOIN users u ON u.id = t.user_id WHERE t.id = $1", ticket_id)
        return Ticket(*rows[0]) if rows else None

    async def closed_reason(self, ticket_id: int) -> str | None:
        reason = await self.store.fetchval("SELECT reason FROM closed_tickets WHERE id = $1", ticket_id)
        return None if reason is None else str(reason)

    async def set_status(self, ticket_id: int, status: str, now: float | None = None) -> None:
        await self.store.fetch("UPDATE question_tickets SET status = $1, updated_at = $2 WHERE id = $3",
                               status, time.time() if now is None else now, ticket_id)

    async def delete_ticket(self, ticket_id: int) -> None:
        await self.store.fetch("DELETE FROM question_tickets WHERE id = $1 AND status = 'draft'", ticket_id)

    async def record_unanswered(self, user_id: int, question: str, locale: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        text = question[:MAX_QUESTION_CHARS]
        day = datetime.fromtimestamp(now, UTC).date().isoformat()
        async with self.store.transaction() as db:
            await db.execute(
                "INSERT INTO unanswered_questions (question_key, locale, user_id, question, first_at, last_at) "
                "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (question_key, locale, user_id) DO UPDATE SET "
                "count = unanswered_questions.count + 1, last_at = EXCLUDED.last_at, question = EXCLUDED.question",
                " ".join(tokens(text)), locale, user_id, text, now)
            await db.execute("INSERT INTO unanswered_counts (day, locale, count) VALUES ($1, $2, 1) "
                             "ON CONFLICT (day, locale) DO UPDATE SET count = unanswered_counts.count + 1",
                             day, locale)

    async def unanswered(self, limit: int = 100) -> list[Unanswered]:
        rows = await self.store.fetch(
            # The latest wording of each group: the question of its row last asked.
            "SELECT (array_agg(question ORDER BY last_at DESC))[1], locale, SUM(count), MIN(first_at), MAX(last_at) "
            "FROM unanswered_questions GROUP BY question_key, locale ORDER BY 3 DESC, 5 DESC LIMIT $1", limit)
        return [Unanswered(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows]

    async def purge_unanswered(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("DELETE FROM unanswered_questions WHERE last_at < $1 RETURNING 1",
                                      now - older_than_seconds)
        return len(rows)

    async def purge_tickets(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("DELETE FROM question_tickets WHERE updated_at < $1 RETURNING 1",
                                      now - older_than_seconds)
        return len(rows)

    async def close_unsent(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.fetch("UPDATE users SET pending = NULL WHERE starts_with(pending, $1) "
                                      "AND last_seen < $2 RETURNING id", PENDING_OFFER, now - older_than_seconds)
        return len(rows)

    async def unanswered_by_locale(self) -> list[tuple[str, int]]:
        rows = await self.store.fetch("SELECT locale, SUM(count) FROM unanswered_counts GROUP BY locale ORDER BY 2 DESC")
        return [(str(loc), int(n)) for loc, n in rows]
