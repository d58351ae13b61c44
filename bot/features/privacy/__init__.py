"""Privacy by design: pseudonyms in logs, retention, and ``marhaba privacy``.

The people using Marhaba are often refugees; what is stored about them can
put them at risk. This package keeps user ids out of logs (:func:`pseudonym`),
exceptions' messages out of logs (:func:`safe_traceback`), and deletes what is
no longer needed (:func:`purge`, run daily by ``marhaba run`` and by
``marhaba privacy purge`` for cron).
"""

from __future__ import annotations

from bot.features.privacy._logging import RedactSecrets, protect_logging
from bot.features.privacy._pseudonym import (
    SECRET_KEY_VARIABLE,
    install_key,
    pseudonym,
    safe_traceback,
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
    "RedactSecrets",
    "RetentionRule",
    "check_limits",
    "install_key",
    "protect_logging",
    "pseudonym",
    "purge",
    "purge_inactive_users",
    "retention_job",
    "rules_of",
    "safe_traceback",
    "table_exists",
    "when_table",
    "warn_without_own_key",
]


from bot.features.privacy._feature import FEATURE  # noqa: E402 - after the names it uses
