"""Persistence behind small async interfaces: the users/progress :class:`Store` and the repositories.

The protocols live here and beside each feature (``bot/features/<name>/_repository.py``); the SQL
lives only in :mod:`bot.store.sqlite` (``SQLiteStore``, re-exported here for callers that open one).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.store._base import RepositoryKey, Store, User
from bot.store._inbox import INBOX, Inbox, InboxRepository, purge_inbox
from bot.store._leases import LEASES, LeaseRepository, Leases

if TYPE_CHECKING:
    from bot.store.sqlite import SQLiteStore, migrations, serving_lock

__all__ = ["INBOX", "LEASES", "Inbox", "InboxRepository", "LeaseRepository", "Leases", "RepositoryKey",
           "SQLiteStore", "Store", "User", "migrations", "open_store", "purge_inbox", "serving_lock"]


def open_store(database: str | Path) -> Store:
    """The store for ``database`` (not yet opened: ``async with open_store(path) as store``).

    Today every database is a SQLite file (or ``:memory:``); a second backend is chosen here by its URL.
    """
    from bot.store.sqlite import SQLiteStore

    return SQLiteStore(database)


def __getattr__(name: str) -> Any:
    # The SQLite backend on first use: importing the protocols does not load it.
    if name in ("SQLiteStore", "migrations", "serving_lock"):
        from bot.store import sqlite

        return getattr(sqlite, name)
    raise AttributeError(f"module 'bot.store' has no attribute {name!r}")
