-- Everything a person wrote can be deleted with them (/forget), and drafts are not tickets.
--
-- Drafts: a question the bot could not answer used to become a 'draft' ticket with the
-- person's id, kept for a month even when they never sent it to anyone. Now the text of
-- the offer ("Ask a person") lives only in users.pending while the offer is open, and a
-- ticket is made when the person presses it. Old drafts go.
DELETE FROM question_tickets WHERE status = 'draft';

-- Unanswered questions: each wording belongs to the person who wrote it (ON DELETE CASCADE),
-- so /forget removes their words; staff see them grouped by question_key and locale, with
-- no identity (bot/questions/_store.py). Rows written before this migration name nobody, so
-- they could never be forgotten: they are dropped (they would have expired within
-- MARHABA_QUESTION_RETENTION_DAYS anyway), their counts kept below.
CREATE TABLE unanswered_counts (
    day    TEXT    NOT NULL,  -- UTC date, YYYY-MM-DD
    locale TEXT    NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (day, locale)
) WITHOUT ROWID;
-- Only how many, per day and language: no text, no person. For `marhaba stats`.
INSERT INTO unanswered_counts (day, locale, count)
    SELECT date(last_at, 'unixepoch'), locale, SUM(count) FROM unanswered_questions GROUP BY 1, 2;

DROP TABLE unanswered_questions;
CREATE TABLE unanswered_questions (
    question_key TEXT    NOT NULL,
    locale       TEXT    NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question     TEXT    NOT NULL,  -- this person's latest wording
    count        INTEGER NOT NULL DEFAULT 1,
    first_at     REAL    NOT NULL,
    last_at      REAL    NOT NULL,
    PRIMARY KEY (question_key, locale, user_id)
) WITHOUT ROWID;
CREATE INDEX unanswered_questions_user ON unanswered_questions (user_id);
CREATE INDEX unanswered_questions_last ON unanswered_questions (last_at);

