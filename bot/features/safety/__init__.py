"""Safety first: a person who writes that they may be in danger gets emergency help at once.

* :func:`load_safety` reads and validates ``content/safety.yaml`` (``file:line:col``);
* :class:`SafetyRules` matches a text (:meth:`SafetyRules.check`) and gives the category;
* :data:`FEATURE` makes the :class:`SafetyFeature` the engine's guard (see :class:`bot.core.Guard`).
"""

from bot.features.safety._feature import FEATURE, SafetyFeature, safety_counts
from bot.features.safety._load import SAFETY_FILE, emergency_pages, load_safety, safety_path
from bot.features.safety._rules import (
    CATEGORIES,
    Category,
    Hit,
    Phrase,
    PhraseError,
    SafetyRules,
    compile_phrase,
)

__all__ = [
    "CATEGORIES",
    "FEATURE",
    "SAFETY_FILE",
    "Category",
    "Hit",
    "Phrase",
    "PhraseError",
    "SafetyFeature",
    "SafetyRules",
    "compile_phrase",
    "emergency_pages",
    "load_safety",
    "safety_counts",
    "safety_path",
]
