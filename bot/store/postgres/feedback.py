"""The feedback tables (migration ``007_feedback.sql``)."""

from __future__ import annotations

from bot.features.feedback._repository import PageScore, ShownPage
from bot.store.postgres._store import PostgresRepository


class PostgresFeedback(PostgresRepository):
    """:class:`~bot.features.feedback._repository.FeedbackRepository` on PostgreSQL."""

    async def shown(self, pages: list[tuple[str, str | None, str]], now: float) -> None:
        gone = [key for key, node, _ in pages if node is None]
        shown = [(key, node, locale, now) for key, node, locale in pages if node is not None]
        async with self.store.transaction() as db:
            if gone:
                await db.execute("DELETE FROM page_messages WHERE key = ANY($1::text[])", gone)
            if shown:
                await db.executemany(
                    "INSERT INTO page_messages (key, node_id, locale, sent_at) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (key) DO UPDATE SET node_id = EXCLUDED.node_id, locale = EXCLUDED.locale, "
                    "sent_at = EXCLUDED.sent_at, reaction = CASE WHEN page_messages.node_id = EXCLUDED.node_id "
                    "THEN page_messages.reaction ELSE 0 END", shown)

    async def page(self, key: str, since: float) -> ShownPage | None:
        rows = await self.store.fetch("SELECT node_id, locale, reaction FROM page_messages "
                                      "WHERE key = $1 AND sent_at >= $2", key, since)
        return ShownPage(*rows[0]) if rows else None

    async def react(self, key: str, page: ShownPage, reaction: int) -> None:
        before, after = page.reaction, reaction
        async with self.store.transaction() as db:
            await db.execute("UPDATE page_messages SET reaction = $1 WHERE key = $2", after, key)
            await db.execute(
                "INSERT INTO page_feedback (node_id, locale, positive, negative) VALUES ($1, $2, GREATEST(0, $3), "
                "GREATEST(0, $4)) ON CONFLICT (node_id, locale) DO UPDATE SET "
                "positive = GREATEST(0, page_feedback.positive + $3), "
                "negative = GREATEST(0, page_feedback.negative + $4)",
                page.node_id, page.locale, int(after == 1) - int(before == 1), int(after == -1) - int(before == -1))

    async def scores(self) -> list[PageScore]:
        rows = await self.store.fetch(
            "SELECT node_id, locale, positive, negative FROM page_feedback WHERE positive + negative > 0 "
            "ORDER BY positive + negative DESC, node_id, locale")
        return [PageScore(*row) for row in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        return len(await self.store.fetch("DELETE FROM page_messages WHERE sent_at < $1 RETURNING key",
                                          now - older_than_seconds))
