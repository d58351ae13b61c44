-- Free-text questions (bot/questions).
-- Tickets: questions a newcomer asked a person. They belong to the user
-- (ON DELETE CASCADE: /forget removes them). 'draft' is a question the bot
-- could not answer and offered to pass on; 'open' was sent to staff;
-- 'answered' got at least one staff reply.
CREATE TABLE question_tickets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    locale     TEXT    NOT NULL,
    question   TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'draft',
    created_at REAL    NOT NULL,
    updated_at REAL    NOT NULL
);
CREATE INDEX question_tickets_user ON question_tickets (user_id);
CREATE INDEX question_tickets_updated ON question_tickets (updated_at);

-- Questions the content did not answer, for staff to improve it. No user
-- identity on purpose: the same question (normalized) in the same locale is
-- one row with a count. Rows are purged after the retention period.
CREATE TABLE unanswered_questions (
    question_key TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    question     TEXT    NOT NULL,  -- the latest wording, so no text outlives the retention period
    count        INTEGER NOT NULL DEFAULT 1,
    first_at     REAL    NOT NULL,
    last_at      REAL    NOT NULL,
    PRIMARY KEY (question_key, locale)
) WITHOUT ROWID;
CREATE INDEX unanswered_questions_last ON unanswered_questions (last_at);
