"""Navigation: the built-in commands and buttons every Marhaba bot has (pages, language, checklist, /forget)."""

from bot.features.navigation._feature import FEATURE, Navigation

__all__ = ["FEATURE", "Navigation"]
