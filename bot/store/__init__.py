"""Persistence behind a small async interface; SQLite (aiosqlite, WAL) today."""

from bot.store._base import Store, User
from bot.store._inbox import Inbox, purge_inbox
from bot.store._leases import Leases
from bot.store._open import open_store, sqlite_store
from bot.store._sqlite import SQLiteStore, migrations, serving_lock

__all__ = ["Inbox", "Leases", "SQLiteStore", "Store", "User", "migrations", "open_store", "purge_inbox", "serving_lock",
           "sqlite_store"]
