-- Reactions to the bot's pages as feedback (issue #17): counts per page and language only.
--
-- page_messages: which page a message the bot sent showed, so that a reaction to that message
-- can be counted for the page. The key is a keyed hash (HMAC) of the channel, the chat and the
-- message id: no user id, no phone number. `reaction` is the reaction counted now for that
-- message (1 positive, -1 negative, 0 none), so that a changed or removed reaction is undone.
-- Rows are deleted after MARHABA_REACTION_DAYS (default 3); older messages' reactions are ignored.
CREATE TABLE IF NOT EXISTS page_messages (
    key      TEXT PRIMARY KEY,
    node_id  TEXT NOT NULL,
    locale   TEXT NOT NULL,
    sent_at  REAL NOT NULL,
    reaction INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS page_messages_sent_at ON page_messages (sent_at);

-- page_feedback: the aggregates, kept like the content's own statistics.
CREATE TABLE IF NOT EXISTS page_feedback (
    node_id  TEXT NOT NULL,
    locale   TEXT NOT NULL,
    positive INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node_id, locale)
);

-- Usage over time and where people need a person (issue #17): counts only, no user id.
-- usage_weeks: per week (its Monday, UTC), the people active in it (counted from users.last_seen
-- by `marhaba run` every hour and by `marhaba stats`) and the questions asked.
CREATE TABLE IF NOT EXISTS usage_weeks (
    week         TEXT PRIMARY KEY,
    active_users INTEGER NOT NULL DEFAULT 0,
    questions    INTEGER NOT NULL DEFAULT 0
);

-- question_outcomes: per language, questions answered with a topic and those answered "not sure".
CREATE TABLE IF NOT EXISTS question_outcomes (
    locale   TEXT PRIMARY KEY,
    answered INTEGER NOT NULL DEFAULT 0,
    not_sure INTEGER NOT NULL DEFAULT 0
);

-- handoff_origins: the page people were on just before they asked for a person.
CREATE TABLE IF NOT EXISTS handoff_origins (
    node_id TEXT PRIMARY KEY,
    count   INTEGER NOT NULL DEFAULT 0
);
