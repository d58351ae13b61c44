"""Persistence behind small async interfaces: the users/progress :class:`Store` and the repositories.

The protocols live here and beside each feature (``bot/features/<name>/_repository.py``); the SQL
lives only in the backends: :mod:`bot.store.sqlite` (``SQLiteStore``, re-exported here for callers that
open one) and :mod:`bot.store.postgres` (``PostgresStore``, for ``MARHABA_DATABASE_URL=postgresql://...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.store._base import RepositoryKey, Store, User
from bot.store._inbox import INBOX, Inbox, InboxRepository, kept_id, purge_inbox
from bot.store._leases import LEASES, LeaseRepository, Leases
from bot.store._rates import (
    RATE_CAPS,
    Bucket,
    RateCapRepository,
    RateCaps,
    bulk,
    is_bulk,
    shared_buckets,
)

if TYPE_CHECKING:
    from bot.store.sqlite import SQLiteStore, migrations, serving_lock

__all__ = ["INBOX", "LEASES", "RATE_CAPS", "Bucket", "RateCapRepository", "RateCaps", "bulk", "is_bulk", "shared_buckets", "Inbox", "InboxRepository", "kept_id", "LeaseRepository", "Leases", "POSTGRES_SCHEMES",
           "RepositoryKey", "SQLiteStore", "Store", "User", "migrations", "open_store", "purge_inbox", "serving_lock"]


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
"""How a PostgreSQL URL starts (``MARHABA_DATABASE_URL``); anything else is a SQLite file."""


def open_store(database: str | Path) -> Store:
    """The store for ``database`` (not yet opened: ``async with open_store(where) as store``).

    A ``postgresql://`` URL is a PostgreSQL database; anything else a SQLite file (or ``:memory:``),
    also written ``sqlite:///path``. Each backend is imported only when it is used.
    """
    if isinstance(database, str) and database.startswith(POSTGRES_SCHEMES):
        from bot.store.postgres import PostgresStore

        return PostgresStore(database)
    from bot.store.sqlite import SQLiteStore

    if isinstance(database, str) and database.startswith("sqlite://"):
        database = database.removeprefix("sqlite://")
    return SQLiteStore(database)


def __getattr__(name: str) -> Any:
    # The SQLite backend on first use: importing the protocols does not load it.
    if name in ("SQLiteStore", "migrations", "serving_lock"):
        from bot.store import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module 'bot.store' has no attribute {name!r}")
