"""Privacy by design: the pseudonym key, retention, and ``marhaba privacy``.

The people using Marhaba are often refugees; what is stored about them can
put them at risk. This package keys the log pseudonyms of :mod:`bot.logs`
(:func:`install_key`) and deletes what is no longer needed (:func:`purge`,
run daily by ``marhaba run`` and by ``marhaba privacy purge`` for cron).
"""

from __future__ import annotations

from bot.features.privacy._pseudonym import (
    SECRET_KEY_VARIABLE,
    install_key,
    warn_without_own_key,
)
from bot.features.privacy._retention import (
    DEFAULT_BROADCAST_RETENTION_DAYS,
    DEFAULT_QUESTION_RETENTION_DAYS,
    UNSENT_QUESTION_DAYS,
    RetentionRule,
    check_limits,
    purge,
    purge_inactive_users,
    retention_job,
    rules_of,
    table_exists,
    when_table,
)

__all__ = [
    "DEFAULT_BROADCAST_RETENTION_DAYS",
    "DEFAULT_QUESTION_RETENTION_DAYS",
    "FEATURE",
    "UNSENT_QUESTION_DAYS",
    "SECRET_KEY_VARIABLE",
    "RetentionRule",
    "check_limits",
    "install_key",
    "purge",
    "purge_inactive_users",
    "retention_job",
    "rules_of",
    "table_exists",
    "when_table",
    "warn_without_own_key",
]


from bot.features.privacy._feature import FEATURE  # noqa: E402 - after the names it uses
