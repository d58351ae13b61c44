"""The PostgreSQL store (asyncpg): chosen with ``MARHABA_DATABASE_URL=postgresql://...``."""

from bot.store.postgres._coordination import PostgresInbox, PostgresLeases, purge_postgres_inbox
from bot.store.postgres._store import MIGRATION_LOCK, PostgresStore, describe, migrations

__all__ = ["MIGRATION_LOCK", "PostgresInbox", "PostgresLeases", "PostgresStore", "describe", "migrations",
           "purge_postgres_inbox"]
