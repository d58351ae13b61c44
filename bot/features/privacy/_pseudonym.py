"""The key of the log pseudonyms (:func:`bot.logs.pseudonym`): from the environment or a key file, never the database."""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from pathlib import Path

from bot.errors import ConfigError
from bot.features.privacy._repository import PRIVACY
from bot.logs import set_pseudonym_key
from bot.settings import Settings, read_secret_file
from bot.store import Store

log = logging.getLogger("marhaba.privacy")

SECRET_KEY_VARIABLE = "MARHABA_SECRET_KEY"
_KEY_SETTING = "pseudonym_key"
"""Where versions before the key file kept the key (the database's ``settings`` table): moved out at start."""
KEY_FILE_SUFFIX = ".key"
"""Without ``MARHABA_SECRET_KEY(_FILE)``, the key lives in ``<database>.key`` beside the database, never in it."""


def key_file(settings: Settings, database: str | Path) -> Path | None:
    """Where the pseudonym key is read from (and created on first start): ``MARHABA_SECRET_KEY_FILE``, else
    the path of ``database`` with ``.key`` appended; ``None`` for an in-memory database."""
    configured = settings.privacy.secret_key.file
    if configured:
        return configured
    if str(database) == ":memory:":
        return None
    path = Path(database).expanduser()
    return path.with_name(path.name + KEY_FILE_SUFFIX)


async def install_key(store: Store, settings: Settings) -> None:
    """Key :func:`bot.logs.pseudonym` with ``MARHABA_SECRET_KEY``, else with the key file (:func:`key_file`).

    The key never lives in the database: whoever holds the database and the logs could otherwise test
    every phone number of a country against the pseudonyms. The key file is created on first start with
    a random key (mode 0600); a key an older version kept in the database's ``settings`` table is moved
    there, then deleted from the database.
    """
    secret_key = settings.privacy.secret_key
    configured = secret_key.read() if secret_key.value else ""
    in_database = await _database_key(store)
    path = key_file(settings, store.path)
    if configured:
        set_pseudonym_key(configured.encode("utf-8"))
    elif path is None:
        set_pseudonym_key(secrets.token_bytes(32))  # an in-memory database: its pseudonyms live as long as it does
    else:
        created = _create_key_file(path, in_database or secrets.token_hex(32))
        key = read_secret_file(SECRET_KEY_VARIABLE, path)
        if not key:
            raise ConfigError(f"{SECRET_KEY_VARIABLE}_FILE: {path} is empty; delete it (a new key is made) "
                              "or write the key into it")
        set_pseudonym_key(key.encode("utf-8"))
        if created and in_database:
            log.warning("the log pseudonym key was moved out of the database into %s (mode 0600)", path)
    if in_database:
        await store.repository(PRIVACY).delete_setting(_KEY_SETTING)


def warn_without_own_key(settings: Settings, database: str | Path) -> None:
    """For ``marhaba run`` (serving real people): warn when the operator set no key of their own
    (``MARHABA_SECRET_KEY`` or ``MARHABA_SECRET_KEY_FILE``), so the key lies beside the database."""
    if settings.privacy.secret_key.configured:
        return
    if key_file(settings, database) is None:  # PostgreSQL: no database file to keep the key beside
        log.warning("%s is not set: log pseudonyms are keyed with a random key of this process only, so they "
                    "change at every restart and differ between workers; set %s or %s_FILE",
                    SECRET_KEY_VARIABLE, SECRET_KEY_VARIABLE, SECRET_KEY_VARIABLE)
        return
    log.warning("%s is not set: log pseudonyms are keyed with %s, beside the database; keep that file out of "
                "the database's backups, or set %s_FILE to a key file kept elsewhere",
                SECRET_KEY_VARIABLE, key_file(settings, database), SECRET_KEY_VARIABLE)


async def _database_key(store: Store) -> str:
    """The key an older version generated into the ``settings`` table ("" when there is none)."""
    return await store.repository(PRIVACY).setting(_KEY_SETTING)


def _create_key_file(path: Path, key: str) -> bool:
    """Write ``key`` to ``path`` readable by its owner only, unless the file exists; ``True`` when created.

    Written whole to a private temporary file first and then linked into place, so a process starting at
    the same moment (two ``marhaba broadcast send``) sees no file or the whole key, never an empty one.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    except OSError as exc:
        raise ConfigError(f"cannot create the pseudonym key file {path}: {exc.strerror}; "
                          f"set {SECRET_KEY_VARIABLE} or {SECRET_KEY_VARIABLE}_FILE") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError as exc:
        raise ConfigError(f"cannot create the pseudonym key file {path}: {exc.strerror}; "
                          f"set {SECRET_KEY_VARIABLE} or {SECRET_KEY_VARIABLE}_FILE") from None
    finally:
        os.unlink(tmp)
    return True

