"""Reactions are feedback, not messages: 👍 ❤️ 🙏 on a page count for it, 👎 against it.

A channel tells :class:`PageFeedback` which page each message it sent showed
(:meth:`PageFeedback.shown`) and passes on every reaction to one of them
(:meth:`PageFeedback.react`); the bot sends nothing back. Only counts per page
and language are kept (``marhaba stats`` shows them); the link from a message
to its page is stored under a keyed hash, without any user id, and deleted
after ``MARHABA_REACTION_DAYS`` (default 3).
"""

from __future__ import annotations

from bot.features.feedback._repository import FEEDBACK
from bot.features.feedback._store import (
    DEFAULT_REACTION_DAYS,
    FEATURE,
    PageFeedback,
    feedback_of,
    reaction_value,
)

__all__ = ["DEFAULT_REACTION_DAYS", "FEATURE", "FEEDBACK", "PageFeedback", "feedback_of", "reaction_value"]
