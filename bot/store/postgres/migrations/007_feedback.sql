-- Reactions to the bot's pages as feedback (as SQLite's 011): counts per page and language only.
-- page_messages: which page a message the bot sent showed, keyed by a keyed hash (HMAC) of the
-- channel, the chat and the message id (no user id, no phone number); `reaction` is the one
-- counted now for that message (1, -1 or 0), so a changed or removed reaction is undone.
CREATE TABLE page_messages (
    key      TEXT             PRIMARY KEY,
    node_id  TEXT             NOT NULL,
    locale   TEXT             NOT NULL,
    sent_at  DOUBLE PRECISION NOT NULL,
    reaction INTEGER          NOT NULL DEFAULT 0
);
CREATE INDEX page_messages_sent_at ON page_messages (sent_at);

-- page_feedback: the aggregates, kept like the content's own statistics.
CREATE TABLE page_feedback (
    node_id  TEXT    NOT NULL,
    locale   TEXT    NOT NULL,
    positive INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, locale)
);
