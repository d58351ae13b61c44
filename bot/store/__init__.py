"""Persistence behind a small async interface; SQLite (aiosqlite, WAL) today."""

from bot.store._base import Store, User
from bot.store._leases import Leases
from bot.store._sqlite import SQLiteStore, migrations, serving_lock

__all__ = ["Leases", "SQLiteStore", "Store", "User", "migrations", "serving_lock"]
