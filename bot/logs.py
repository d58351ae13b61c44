"""Logging that cannot leak: pseudonyms for user ids, tracebacks without messages, secrets redacted.

A leaf module (it imports nothing of Marhaba), so the core, the channels and
every feature can log safely without knowing one another. The pseudonym key
is set once at start-up through :func:`set_pseudonym_key` (the privacy
feature reads it from ``MARHABA_SECRET_KEY`` or the key file); the secrets to
redact are registered through :func:`remember_secret` (the settings do it for
every secret they read).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import traceback
from collections.abc import Iterable

__all__ = [
    "PSEUDONYM_HEX_CHARS",
    "QUIET_LOGGERS",
    "REDACTED",
    "RedactSecrets",
    "known_secrets",
    "protect_logging",
    "pseudonym",
    "remember_secret",
    "safe_traceback",
    "set_pseudonym_key",
]

PSEUDONYM_HEX_CHARS = 16
"""64 bits: collisions are negligible for any bot's users, and a pseudonym stays short in a log line."""

_pseudonym_key: bytes = secrets.token_bytes(32)
"""Until :func:`set_pseudonym_key` runs, a key of this process only (pseudonyms are then not stable)."""


def set_pseudonym_key(key: bytes) -> None:
    """Key every later :func:`pseudonym` with ``key`` (at least 16 bytes of secret material)."""
    global _pseudonym_key
    if not key:
        raise ValueError("the pseudonym key is empty")
    _pseudonym_key = key


def pseudonym(channel: str, user_id: str) -> str:
    """A stable, keyed, one-way name for a channel user, e.g. ``u-3f9c0a1b2c3d4e5f``.

    The same person gets the same pseudonym in every log line (so an
    operator can follow one conversation), but without the key nobody can
    tell which phone number or Telegram id it stands for, nor test guesses.
    """
    message = f"{channel}\x00{user_id}".encode("utf-8", "replace")
    return "u-" + hmac.new(_pseudonym_key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_CHARS]


def safe_traceback(exc: BaseException) -> str:
    """The exception's type and where it was raised, without its message.

    An exception's message can quote what a user wrote (``KeyError('...')``),
    so logs carry the code path only.
    """
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"{type(exc).__name__} (message withheld)\n{frames}".rstrip()


REDACTED = "[redacted]"

QUIET_LOGGERS = ("httpx", "httpcore", "hpack", "aiosqlite", "tornado.access")
"""Their DEBUG lines carry bot tokens in URLs, message texts, names, phone numbers and SQL parameters.

Each channel adds its platform library's loggers through its registry entry
(:func:`bot.channels.quiet_loggers`)."""

PER_REQUEST_LOGGERS = ("httpx", "httpcore")
"""They log every request's URL at INFO: a line per message sent (a full pipe, a busy disk, the
secret filter run on each) that says nothing an operator needs. Only their warnings are kept."""

MIN_SECRET_CHARS = 6
"""Shorter values (a test's "x") would redact ordinary words; real secrets are far longer."""

_secrets: set[str] = set()
"""Every secret registered through :func:`remember_secret`."""


def remember_secret(value: str) -> None:
    """Have :class:`RedactSecrets` replace ``value`` in every later log record."""
    if value:
        _secrets.add(value)


def known_secrets() -> frozenset[str]:
    """The secret values registered so far in this process."""
    return frozenset(_secrets)


class RedactSecrets(logging.Filter):
    """Replace every secret registered through :func:`remember_secret` in a record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = [s for s in _secrets if len(s) >= MIN_SECRET_CHARS]
        if not found:
            return True
        message = record.getMessage()
        if any(s in message for s in found):
            for s in found:
                message = message.replace(s, REDACTED)
            record.msg, record.args = message, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and any(s in record.exc_text for s in found):
            for s in found:
                record.exc_text = record.exc_text.replace(s, REDACTED)
        return True


def protect_logging(quiet: Iterable[str] = ()) -> None:
    """Keep libraries' DEBUG output (:data:`QUIET_LOGGERS` and ``quiet``) out of the logs; redact secrets."""
    for name in (*QUIET_LOGGERS, *quiet):
        logger = logging.getLogger(name)
        floor = logging.WARNING if name in PER_REQUEST_LOGGERS else logging.INFO
        if logger.getEffectiveLevel() < floor:
            logger.setLevel(floor)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
