"""Logging that cannot leak: secrets redacted, chatty libraries kept above DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.settings import known_secrets

REDACTED = "[redacted]"

QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "aiosqlite", "tornado.access")
"""Their DEBUG lines carry bot tokens in URLs, message texts, names, phone numbers and SQL parameters.

Each channel adds its platform library's loggers through its registry entry
(:func:`bot.channels.quiet_loggers`)."""

MIN_SECRET_CHARS = 6
"""Shorter values (a test's "x") would redact ordinary words; real secrets are far longer."""


class RedactSecrets(logging.Filter):
    """Replace every secret read through ``Settings.secret`` in a record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [s for s in known_secrets() if len(s) >= MIN_SECRET_CHARS]
        if not secrets:
            return True
        message = record.getMessage()
        if any(s in message for s in secrets):
            for s in secrets:
                message = message.replace(s, REDACTED)
            record.msg, record.args = message, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and any(s in record.exc_text for s in secrets):
            for s in secrets:
                record.exc_text = record.exc_text.replace(s, REDACTED)
        return True


def protect_logging(quiet: Iterable[str] = ()) -> None:
    """Keep libraries' DEBUG output (:data:`QUIET_LOGGERS` and ``quiet``) out of the logs; redact secrets."""
    for name in (*QUIET_LOGGERS, *quiet):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
