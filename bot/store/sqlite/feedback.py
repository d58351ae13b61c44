"""The feedback tables (migration ``011_feedback_and_usage.sql``)."""

from __future__ import annotations

from bot.features.feedback._repository import PageScore, ShownPage
from bot.store.sqlite._store import SQLiteRepository, Statement


class SQLiteFeedback(SQLiteRepository):
    """:class:`~bot.features.feedback._repository.FeedbackRepository` on SQLite."""

    async def shown(self, pages: list[tuple[str, str | None, str]], now: float) -> None:
        statements: list[Statement] = []
        for key, node, locale in pages:
            if node is None:
                statements.append(("DELETE FROM page_messages WHERE key = ?", (key,)))
                continue
            statements.append((
                "INSERT INTO page_messages (key, node_id, locale, sent_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET node_id = excluded.node_id, locale = excluded.locale, "
                "sent_at = excluded.sent_at, reaction = CASE WHEN page_messages.node_id = excluded.node_id "
                "THEN page_messages.reaction ELSE 0 END", (key, node, locale, now)))
        await self.store.write(*statements)

    async def page(self, key: str, since: float) -> ShownPage | None:
        rows = await self.store.db.execute_fetchall(
            "SELECT node_id, locale, reaction FROM page_messages WHERE key = ? AND sent_at >= ?", (key, since))
        return ShownPage(*next(iter(rows))) if rows else None

    async def react(self, key: str, page: ShownPage, reaction: int) -> None:
        before, after = page.reaction, reaction
        await self.store.write(
            ("UPDATE page_messages SET reaction = ? WHERE key = ?", (after, key)),
            ("INSERT INTO page_feedback (node_id, locale, positive, negative) VALUES (?, ?, 0, 0) "
             "ON CONFLICT (node_id, locale) DO NOTHING", (page.node_id, page.locale)),
            ("UPDATE page_feedback SET positive = MAX(0, positive + ?), negative = MAX(0, negative + ?) "
             "WHERE node_id = ? AND locale = ?",
             ((after == 1) - (before == 1), (after == -1) - (before == -1), page.node_id, page.locale)),
        )

    async def scores(self) -> list[PageScore]:
        rows = await self.store.db.execute_fetchall(
            "SELECT node_id, locale, positive, negative FROM page_feedback WHERE positive + negative > 0 "
            "ORDER BY positive + negative DESC, node_id, locale")
        return [PageScore(*row) for row in rows]

    async def purge(self, older_than_seconds: float, now: float) -> int:
        rows = await self.store.write_returning("DELETE FROM page_messages WHERE sent_at < ? RETURNING key",
                                                (now - older_than_seconds,))
        return len(rows)
