"""Free-text questions: normalization, language detection, the index and ranking, handoff to staff."""

from bot.features.questions._cli import register_cli
from bot.features.questions._detect import Detection, detect
from bot.features.questions._feature import FEATURE, QuestionFeature
from bot.features.questions._handoff import (
    HANDOFF_NODE,
    Handoff,
    HandoffSettings,
    opening_hours,
    ticket_label,
)
from bot.features.questions._index import LocaleIndex, Match, QuestionIndex
from bot.features.questions._rank import Ranking, rank
from bot.features.questions._repository import QUESTIONS
from bot.features.questions._store import (
    QuestionRepository,
    Ticket,
    Unanswered,
    purge_unanswered,
    questions_of,
)
from bot.i18n._normalize import normalize, tokens

__all__ = [
    "FEATURE",
    "HANDOFF_NODE",
    "QUESTIONS",
    "Handoff",
    "opening_hours",
    "ticket_label",
    "Detection",
    "HandoffSettings",
    "LocaleIndex",
    "Match",
    "QuestionFeature",
    "QuestionIndex",
    "QuestionRepository",
    "Ranking",
    "Ticket",
    "Unanswered",
    "detect",
    "normalize",
    "purge_unanswered",
    "questions_of",
    "rank",
    "register_cli",
    "tokens",
]
