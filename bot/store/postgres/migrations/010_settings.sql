-- The database's own settings (as SQLite's 007), not about any user. Versions before the
-- pseudonym key file kept that key here; the privacy feature moves such a key out at start.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
