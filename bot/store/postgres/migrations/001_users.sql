-- Users, their place in the content tree, and their progress (as SQLite's 001 and 008).
-- Every table that holds something about a user references users(id)
-- ON DELETE CASCADE, so that /forget is one DELETE in one transaction.
-- An identity column never gives a deleted user's id to a new user: a process that
-- still holds an old id (a queued write) can never reach someone else's rows.
CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         TEXT             NOT NULL,
    channel_user_id TEXT             NOT NULL,
    locale          TEXT,
    current_node    TEXT,
    pending         TEXT,
    created_at      DOUBLE PRECISION NOT NULL,
    last_seen       DOUBLE PRECISION NOT NULL,
    active          BOOLEAN          NOT NULL DEFAULT TRUE,
    UNIQUE (channel, channel_user_id)
);
CREATE INDEX users_last_seen ON users (last_seen);

CREATE TABLE visits (
    user_id  BIGINT           NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    node_id  TEXT             NOT NULL,
    first_at DOUBLE PRECISION NOT NULL,
    last_at  DOUBLE PRECISION NOT NULL,
    count    INTEGER          NOT NULL DEFAULT 1,
    PRIMARY KEY (user_id, node_id)
);

CREATE TABLE steps_done (
    user_id BIGINT           NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    node_id TEXT             NOT NULL,
    done_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, node_id)
);
