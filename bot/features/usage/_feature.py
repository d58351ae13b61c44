"""The usage feature as one unit: the active-people job and the figures over time."""

from __future__ import annotations

from bot.core import Feature
from bot.features.usage._counters import Usage
from bot.features.usage._stats import usage_stats

FEATURE = Feature("usage", Usage, stats=usage_stats, stats_order=20)
"""Usage over time: the active-people job (questions and handoffs are counted by the questions feature)."""
