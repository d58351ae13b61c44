"""The PostgreSQL store (asyncpg): chosen with ``MARHABA_DATABASE_URL=postgresql://...``."""

from bot.store.postgres._store import MIGRATION_LOCK, PostgresStore, describe, migrations

__all__ = ["MIGRATION_LOCK", "PostgresStore", "describe", "migrations"]
