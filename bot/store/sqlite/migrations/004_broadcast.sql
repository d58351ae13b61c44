-- Topic subscriptions, broadcasts and their outbox (one row per recipient).
-- Rows about a user reference users(id) ON DELETE CASCADE, so /forget removes
-- their subscriptions and pending messages too.
CREATE TABLE subscriptions (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL,
    created_at REAL    NOT NULL,
    PRIMARY KEY (user_id, topic)
) WITHOUT ROWID;
CREATE INDEX subscriptions_topic ON subscriptions (topic, user_id);

CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,            -- staff | reminder
    topics      TEXT    NOT NULL,            -- JSON list of topic ids
    channel     TEXT,                        -- only this channel's users, or NULL for all
    event_id    TEXT,
    occurrence  TEXT,                        -- ISO start of the reminded occurrence
    texts       TEXT    NOT NULL,            -- JSON {locale: text}
    purpose     TEXT    NOT NULL DEFAULT 'broadcast',  -- WhatsApp template purpose outside the window
    rate        REAL,                        -- messages per second (NULL: the channel's default)
    ready       INTEGER NOT NULL DEFAULT 0,  -- 1 once the outbox rows are written
    created_at  REAL    NOT NULL,
    finished_at REAL
);
CREATE UNIQUE INDEX broadcasts_reminder ON broadcasts (event_id, occurrence) WHERE kind = 'reminder';
CREATE INDEX broadcasts_unfinished ON broadcasts (finished_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    broadcast_id    INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel         TEXT    NOT NULL,
    channel_user_id TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',  -- pending, sending, sent, failed, blocked, skipped
    reason          TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      REAL    NOT NULL DEFAULT 0,          -- after a 429: not again before this time
    claimed_by      INTEGER,                             -- the process id that is sending it
    updated_at      REAL    NOT NULL,
    UNIQUE (broadcast_id, user_id)
);
CREATE INDEX outbox_state ON outbox (broadcast_id, state, id);
CREATE INDEX outbox_user ON outbox (user_id);
