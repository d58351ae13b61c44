-- Users, their place in the content tree, and their progress.
-- Every table that holds something about a user references users(id)
-- ON DELETE CASCADE, so that /forget is one DELETE in one transaction.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
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

CREATE TABLE visits (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    node_id  TEXT    NOT NULL,
    first_at REAL    NOT NULL,
    last_at  REAL    NOT NULL,
    count    INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, node_id)
) WITHOUT ROWID;

CREATE TABLE steps_done (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    node_id TEXT    NOT NULL,
    done_at REAL    NOT NULL,
    PRIMARY KEY (user_id, node_id)
) WITHOUT ROWID;

CREATE INDEX users_last_seen ON users (last_seen);
