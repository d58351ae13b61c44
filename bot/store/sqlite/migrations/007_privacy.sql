-- The database's own settings (not about any user): the key that
-- pseudonymises user ids in logs and statistics, generated once when
-- MARHABA_SECRET_KEY is not set, so pseudonyms stay stable across restarts.
CREATE TABLE IF NOT EXISTS settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
