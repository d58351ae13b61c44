-- The durable inbox (as SQLite's 017): a webhook update is written here (committed)
-- before the platform is told it arrived, so a process killed at any moment loses
-- nothing it acknowledged; the platform's own id makes a redelivered update a no-op.
-- The payload (which holds the message text) is cleared once its turn has run; the id
-- and times stay, to refuse a late redelivery, until the retention purge.
CREATE TABLE inbox (
    channel     TEXT             NOT NULL,
    platform_id TEXT             NOT NULL,   -- Telegram update_id, WhatsApp message id, ...
    payload     TEXT,                        -- the raw update while it waits; NULL once handled
    received_at DOUBLE PRECISION NOT NULL,
    done_at     DOUBLE PRECISION,
    PRIMARY KEY (channel, platform_id)
);
CREATE INDEX inbox_waiting ON inbox (channel, received_at) WHERE done_at IS NULL;
CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at IS NOT NULL;
