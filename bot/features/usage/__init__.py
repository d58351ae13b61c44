"""Usage over time, for staff: counts only, never one person's path.

* people active per week and questions asked per week (:func:`record_question`,
  :func:`count_active_users`);
* per language, the share of questions the bot answered "not sure";
* the pages people were on just before they asked for a person (:func:`record_handoff`).

Nothing here names a user: each table is a counter (migration ``011_feedback_and_usage.sql``).
"""

from __future__ import annotations

from bot.features.usage._counters import (
    ACTIVE_COUNT_INTERVAL_SECONDS,
    FEATURE,
    count_active_users,
    record_handoff,
    record_question,
    usage_job,
    week_of,
)
from bot.features.usage._repository import USAGE

__all__ = ["ACTIVE_COUNT_INTERVAL_SECONDS", "FEATURE", "USAGE", "count_active_users", "record_handoff", "record_question", "usage_job",
           "week_of"]
