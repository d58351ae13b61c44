"""Free-text questions: normalization, language detection, the index and ranking, handoff to staff."""

from bot.questions._detect import Detection, detect
from bot.questions._index import LocaleIndex, Match, QuestionIndex
from bot.questions._normalize import normalize, tokens
from bot.questions._rank import Ranking, rank

__all__ = ["Detection", "LocaleIndex", "Match", "QuestionIndex", "Ranking", "detect", "normalize", "rank", "tokens"]
