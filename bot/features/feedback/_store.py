"""The feedback tables (migration ``011_feedback_and_usage.sql``) and the reaction rules."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core import Engine
from bot.features.privacy import RetentionRule, add_retention_rule, pseudonym
from bot.settings import DAY_SECONDS, RETENTION_DEFAULTS, Settings
from bot.store import SQLiteStore

log = logging.getLogger("marhaba.feedback")

DEFAULT_REACTION_DAYS = RETENTION_DEFAULTS["MARHABA_REACTION_DAYS"]
"""People react soon after reading; after three days a message's page is forgotten."""
POSITIVE = frozenset({"👍", "❤", "🙏"})
NEGATIVE = frozenset({"👎"})
_MODIFIERS = dict.fromkeys([0xFE0F, *range(0x1F3FB, 0x1F400)])  # emoji presentation, skin tones
_EXTENSION = "feedback"


def reaction_value(emoji: str) -> int:
    """``1`` for 👍 ❤️ 🙏 (any skin tone), ``-1`` for 👎, ``0`` for anything else or a removed reaction."""
    bare = (emoji or "").translate(_MODIFIERS).strip()
    return 1 if bare in POSITIVE else -1 if bare in NEGATIVE else 0


@dataclass(frozen=True)
class PageScore:
    node_id: str
    locale: str
    positive: int
    negative: int


class PageFeedback:
    """Counts reactions per page and language, in the :class:`~bot.store.SQLiteStore`'s database."""

    def __init__(self, store: SQLiteStore, window_seconds: float = DEFAULT_REACTION_DAYS * DAY_SECONDS) -> None:
        self.store = store
        self.window_seconds = window_seconds

    @staticmethod
    def key(channel: str, chat_id: str, message_id: str) -> str:
        """A keyed, one-way name of one sent message (the pseudonym key: not reversible without it)."""
        return pseudonym(channel, f"{chat_id}\x00{message_id}")

    async def shown(self, channel: str, chat_id: str, shown: Iterable[tuple[str, str | None, str]],
                    now: float | None = None) -> None:
        """Remember ``(message id, node id, locale)`` for messages just sent (or edited) to ``chat_id``.

        A message edited to show another page starts again without a reaction; one edited to
        show no page (``node id`` ``None``) is forgotten.
        """
        now = time.time() if now is None else now
        statements = []
        for mid, node, locale in shown:
            key = self.key(channel, chat_id, mid)
            if node is None:
                statements.append(("DELETE FROM page_messages WHERE key = ?", (key,)))
                continue
            statements.append((
                "INSERT INTO page_messages (key, node_id, locale, sent_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET node_id = excluded.node_id, locale = excluded.locale, "
                "sent_at = excluded.sent_at, reaction = CASE WHEN page_messages.node_id = excluded.node_id "
                "THEN page_messages.reaction ELSE 0 END", (key, node, locale, now)))
        if statements:
            await self.store.write(*statements)

    async def react(self, channel: str, chat_id: str, message_id: str, emoji: str,
                    now: float | None = None) -> bool:
        """Count the reaction ``emoji`` (``""`` = removed) on one sent message; ``False`` when it showed no page.

        The message's reaction replaces its previous one: changing 👍 to 👎 moves one count,
        removing it takes the count back.
        """
        now = time.time() if now is None else now
        key = self.key(channel, chat_id, message_id)
        rows = await self.store.db.execute_fetchall(
            "SELECT node_id, locale, reaction FROM page_messages WHERE key = ? AND sent_at >= ?",
            (key, now - self.window_seconds))
        if not rows:
            return False
        node_id, locale, before = next(iter(rows))
        after = reaction_value(emoji)
        if after == before:
            return True
        await self.store.write(
            ("UPDATE page_messages SET reaction = ? WHERE key = ?", (after, key)),
            ("INSERT INTO page_feedback (node_id, locale, positive, negative) VALUES (?, ?, 0, 0) "
             "ON CONFLICT (node_id, locale) DO NOTHING", (node_id, locale)),
            ("UPDATE page_feedback SET positive = MAX(0, positive + ?), negative = MAX(0, negative + ?) "
             "WHERE node_id = ? AND locale = ?",
             ((after == 1) - (before == 1), (after == -1) - (before == -1), node_id, locale)),
        )
        return True

    async def scores(self) -> list[PageScore]:
        """Every page and language with a reaction, most reactions first."""
        rows = await self.store.db.execute_fetchall(
            "SELECT node_id, locale, positive, negative FROM page_feedback WHERE positive + negative > 0 "
            "ORDER BY positive + negative DESC, node_id, locale")
        return [PageScore(*row) for row in rows]


async def purge_page_messages(store: SQLiteStore, older_than_seconds: float, now: float | None = None) -> int:
    """Forget which page old messages showed (the counts stay)."""
    rows = await store.write_returning("DELETE FROM page_messages WHERE sent_at < ? RETURNING key",
                                       ((time.time() if now is None else now) - older_than_seconds,))
    return len(rows)


add_retention_rule(RetentionRule("pages of sent messages (for reactions)", "MARHABA_REACTION_DAYS",
                                 DEFAULT_REACTION_DAYS, purge_page_messages, ("page_messages",),
                                 "which page a sent message showed, under a keyed hash of chat and message "
                                 "id (no user id), to count a reaction to it"))


def install(engine: Engine, settings: Settings) -> PageFeedback | None:
    """Make the feedback counter available to the channels (:func:`feedback_of`)."""
    if not isinstance(engine.store, SQLiteStore):
        return None
    max_age = settings.retention.max_age_seconds("MARHABA_REACTION_DAYS")
    feedback = PageFeedback(engine.store, float("inf") if max_age is None else max_age)
    engine.extensions[_EXTENSION] = feedback
    return feedback


def feedback_of(engine: Engine) -> PageFeedback | None:
    """The engine's :class:`PageFeedback`, when the feature is installed."""
    found = engine.extensions.get(_EXTENSION)
    return found if isinstance(found, PageFeedback) else None
