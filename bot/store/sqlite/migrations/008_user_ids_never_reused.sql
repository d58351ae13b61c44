-- A deleted user's id is never given to a new user (AUTOINCREMENT): a process
-- that still holds an old id (a cache, a queued write) can then never reach
-- someone else's rows. SQLite cannot add AUTOINCREMENT in place, so the table is
-- rebuilt; the store runs migrations with foreign keys off and checks them before
-- committing (https://www.sqlite.org/lang_altertable.html#otheralter).
CREATE TABLE users_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT    NOT NULL,
    channel_user_id TEXT    NOT NULL,
    locale          TEXT,
    current_node    TEXT,
    pending         TEXT,
    created_at      REAL    NOT NULL,
    last_seen       REAL    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (channel, channel_user_id)
);
INSERT INTO users_new (id, channel, channel_user_id, locale, current_node, pending, created_at, last_seen, active)
    SELECT id, channel, channel_user_id, locale, current_node, pending, created_at, last_seen, active FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_last_seen ON users (last_seen);
