"""Pseudonyms for user ids in logs and statistics, and exception reports without personal data."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import traceback

from bot.settings import Settings
from bot.store import SQLiteStore

SECRET_KEY_VARIABLE = "MARHABA_SECRET_KEY"
_KEY_SETTING = "pseudonym_key"
PSEUDONYM_HEX_CHARS = 16
"""64 bits: collisions are negligible for any bot's users, and a pseudonym stays short in a log line."""

_key: bytes = secrets.token_bytes(32)
"""Until :func:`install_key` runs, a key of this process only (pseudonyms are then not stable)."""


def pseudonym(channel: str, user_id: str) -> str:
    """A stable, keyed, one-way name for a channel user, e.g. ``u-3f9c0a1b2c3d4e5f``.

    The same person gets the same pseudonym in every log line (so an
    operator can follow one conversation), but without the key nobody can
    tell which phone number or Telegram id it stands for, nor test guesses.
    """
    digest = hmac.new(_key, f"{channel}\x00{user_id}".encode("utf-8", "replace"), hashlib.sha256).hexdigest()
    return "u-" + digest[:PSEUDONYM_HEX_CHARS]


async def install_key(store: SQLiteStore, settings: Settings) -> None:
    """Key :func:`pseudonym` with ``MARHABA_SECRET_KEY`` (or its ``_FILE``), else with a key kept in the database.

    The database's key is generated once, at random, and stored in its
    ``settings`` table, so pseudonyms survive restarts.
    """
    global _key
    configured = settings.secret(SECRET_KEY_VARIABLE)
    if configured:
        _key = configured.encode("utf-8")
        return
    rows = await store.write_returning(
        "INSERT INTO settings (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = value RETURNING value",
        (_KEY_SETTING, secrets.token_hex(32)),
    )
    _key = bytes.fromhex(rows[0][0])


def safe_traceback(exc: BaseException) -> str:
    """The exception's type and where it was raised, without its message.

    An exception's message can quote what a user wrote (``KeyError('...')``),
    so logs carry the code path only.
    """
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"{type(exc).__name__} (message withheld)\n{frames}".rstrip()
