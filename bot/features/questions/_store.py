"""The questions feature's storage: its repository, from whichever store the engine has."""

from __future__ import annotations

import time

from bot.features.questions._repository import (
    MAX_QUESTION_CHARS,
    PENDING_OFFER,
    QUESTIONS,
    QuestionRepository,
    Ticket,
    Unanswered,
)
from bot.store import Store

__all__ = ["MAX_QUESTION_CHARS", "PENDING_OFFER", "QUESTIONS", "QuestionRepository", "Ticket", "Unanswered",
           "close_unsent", "purge_tickets", "purge_unanswered", "questions_of"]


def questions_of(store: Store) -> QuestionRepository:
    """The tickets and unanswered questions of ``store``."""
    return store.repository(QUESTIONS)


async def purge_unanswered(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete unanswered-question wordings last asked more than ``older_than_seconds`` ago; how many went."""
    return await questions_of(store).purge_unanswered(older_than_seconds, time.time() if now is None else now)


async def purge_tickets(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Delete tickets (open or answered) last touched more than ``older_than_seconds`` ago; how many went."""
    return await questions_of(store).purge_tickets(older_than_seconds, time.time() if now is None else now)


async def close_unsent(store: Store, older_than_seconds: float, now: float | None = None) -> int:
    """Close "Ask a person" offers of people who have not written for ``older_than_seconds``: the question
    text in their pending state goes. How many were closed."""
    return await questions_of(store).close_unsent(older_than_seconds, time.time() if now is None else now)
