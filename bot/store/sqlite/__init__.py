"""The SQLite backend (aiosqlite, WAL, group commit): every SQL statement of Marhaba and its migrations.

:class:`SQLiteStore` implements :class:`~bot.store.Store` and hands out the SQLite implementation of
each feature's repository protocol (``bot/store/sqlite/<feature>.py``) through
:meth:`SQLiteStore.repository`.
"""

from bot.store.sqlite._store import REPOSITORIES, SQLiteStore, migrations, serving_lock

__all__ = ["REPOSITORIES", "SQLiteStore", "migrations", "serving_lock"]
