"""Which store the settings ask for: PostgreSQL when ``MARHABA_DATABASE_URL`` is set, else the SQLite file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import ConfigError
from bot.store._base import Store
from bot.store._sqlite import SQLiteStore

if TYPE_CHECKING:
    from bot.settings import Settings

SQLITE_ONLY = ("MARHABA_DATABASE_URL is set, but so far PostgreSQL holds only users, their progress, leases and the inbox "
               "(see `marhaba db migrate`); this command still needs the SQLite file of MARHABA_DB: "
               "unset MARHABA_DATABASE_URL to use it")


def open_store(settings: Settings) -> Store:
    """The configured users/progress store (not yet opened)."""
    url = settings.database_url
    if url:  # asyncpg is imported only when PostgreSQL is used
        from bot.store.postgres import PostgresStore

        return PostgresStore(url)
    return SQLiteStore(settings.db_path)


def sqlite_store(settings: Settings) -> SQLiteStore:
    """The SQLite store, for what has no PostgreSQL repository yet; a clear refusal when PostgreSQL is configured
    (rather than quietly writing to a SQLite file the operator no longer looks at)."""
    if settings.database_url:
        raise ConfigError(SQLITE_ONLY)
    return SQLiteStore(settings.db_path)
