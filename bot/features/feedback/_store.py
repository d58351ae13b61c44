"""The feedback tables (migration ``011_feedback_and_usage.sql``) and the reaction rules."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from bot.core import Engine, Feature, Router
from bot.features.feedback._repository import FEEDBACK, PageScore
from bot.features.privacy import RetentionRule
from bot.logs import pseudonym
from bot.settings import DAY_SECONDS, RETENTION_DEFAULTS, Settings
from bot.store import Store

log = logging.getLogger("marhaba.feedback")

DEFAULT_REACTION_DAYS = RETENTION_DEFAULTS["MARHABA_REACTION_DAYS"]
"""People react soon after reading; after three days a message's page is forgotten."""
POSITIVE = frozenset({"👍", "❤", "🙏"})
NEGATIVE = frozenset({"👎"})
_MODIFIERS = dict.fromkeys([0xFE0F, *range(0x1F3FB, 0x1F400)])  # emoji presentation, skin tones


def reaction_value(emoji: str) -> int:
    """``1`` for 👍 ❤️ 🙏 (any skin tone), ``-1`` for 👎, ``0`` for anything else or a removed reaction."""
    bare = (emoji or "").translate(_MODIFIERS).strip()
    return 1 if bare in POSITIVE else -1 if bare in NEGATIVE else 0


class PageFeedback:
    """Counts reactions per page and language, in the store's :class:`FeedbackRepository`."""

    def __init__(self, store: Store, window_seconds: float = DEFAULT_REACTION_DAYS * DAY_SECONDS) -> None:
        self.store = store
        self.repository = store.repository(FEEDBACK)
        self.window_seconds = window_seconds
        self.router = Router("feedback")

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
        pages = [(self.key(channel, chat_id, mid), node, locale) for mid, node, locale in shown]
        if pages:
            await self.repository.shown(pages, now)

    async def react(self, channel: str, chat_id: str, message_id: str, emoji: str,
                    now: float | None = None) -> bool:
        """Count the reaction ``emoji`` (``""`` = removed) on one sent message; ``False`` when it showed no page.

        The message's reaction replaces its previous one: changing 👍 to 👎 moves one count,
        removing it takes the count back.
        """
        now = time.time() if now is None else now
        key = self.key(channel, chat_id, message_id)
        page = await self.repository.page(key, now - self.window_seconds)
        if page is None:
            return False
        after = reaction_value(emoji)
        if after != page.reaction:
            await self.repository.react(key, page, after)
        return True

    async def scores(self) -> list[PageScore]:
        """Every page and language with a reaction, most reactions first."""
        return await self.repository.scores()


async def purge_page_messages(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Forget which page old messages showed (the counts stay)."""
    return await store.repository(FEEDBACK).purge(older_than_seconds, time.time() if now is None else now)


RETENTION = (
    RetentionRule("pages of sent messages (for reactions)", "MARHABA_REACTION_DAYS", DEFAULT_REACTION_DAYS,
                  purge_page_messages, ("page_messages",),
                  "which page a sent message showed, under a keyed hash of chat and message id (no user id), "
                  "to count a reaction to it"),
)


def setup(engine: Engine, settings: Settings) -> PageFeedback | None:
    """The feedback counter, which the channels reach as ``engine.reactions`` (:func:`feedback_of`)."""
    max_age = settings.retention.max_age_seconds("MARHABA_REACTION_DAYS")
    feedback = PageFeedback(engine.store, float("inf") if max_age is None else max_age)
    feedback.router.set_reactions(feedback)
    return feedback


FEATURE = Feature("feedback", setup, retention=RETENTION)
"""Reactions to pages, counted per page and language."""


def feedback_of(engine: Engine) -> PageFeedback | None:
    """The engine's :class:`PageFeedback`, when the feature is set up."""
    found = engine.reactions
    return found if isinstance(found, PageFeedback) else None
