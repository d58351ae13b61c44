"""The PostgreSQL backend (asyncpg, a connection pool): chosen with ``MARHABA_DATABASE_URL=postgresql://...``.

:class:`PostgresStore` implements :class:`~bot.store.Store` and hands out the PostgreSQL implementation of
each feature's repository protocol (``bot/store/postgres/<feature>.py``) through
:meth:`PostgresStore.repository`; its migrations are in ``bot/store/postgres/migrations``.
"""

from bot.store.postgres._store import (
    MIGRATION_LOCK,
    REPOSITORIES,
    PostgresStore,
    describe,
    migrations,
)

__all__ = ["MIGRATION_LOCK", "REPOSITORIES", "PostgresStore", "describe", "migrations"]
