-- A ticket number is never given out twice. Staff answer a ticket by its number
-- (a reply to the forwarded message, or /reply N); if a deleted ticket's number
-- were given to the next question, an answer meant for one person would reach
-- another. AUTOINCREMENT keeps the highest number ever used (sqlite_sequence), so
-- /forget, the retention purge and a restart free no number. SQLite cannot add
-- AUTOINCREMENT in place, so the table is rebuilt (as 008 did for users).
CREATE TABLE question_tickets_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    locale     TEXT    NOT NULL,
    question   TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT 'draft',
    created_at REAL    NOT NULL,
    updated_at REAL    NOT NULL
);
INSERT INTO question_tickets_new (id, user_id, locale, question, status, created_at, updated_at)
    SELECT id, user_id, locale, question, status, created_at, updated_at FROM question_tickets;
DROP TABLE question_tickets;
ALTER TABLE question_tickets_new RENAME TO question_tickets;
CREATE INDEX question_tickets_user ON question_tickets (user_id);
CREATE INDEX question_tickets_updated ON question_tickets (updated_at);

-- Tickets that were sent to staff and then deleted, so that a late staff answer
-- is refused with the reason instead of "no such question". Only the number,
-- why it closed and when: nothing about the person or what they asked.
-- 'forgotten': the person's data was deleted with /forget (their user row is
-- gone); 'expired': deleted by the retention purge.
CREATE TABLE closed_tickets (
    id        INTEGER PRIMARY KEY,
    reason    TEXT NOT NULL CHECK (reason IN ('forgotten', 'expired')),
    closed_at REAL NOT NULL
);
-- Every way a ticket row goes (the cascade of /forget, the purge, anything later)
-- leaves its number here. Within the cascade of a user's deletion the user row is
-- already gone, which is how /forget is told from the purge; the retention purge
-- of inactive users closes their tickets as 'expired' before deleting them.
CREATE TRIGGER question_tickets_closed AFTER DELETE ON question_tickets
WHEN OLD.status <> 'draft'
BEGIN
    INSERT OR IGNORE INTO closed_tickets (id, reason, closed_at) VALUES (
        OLD.id,
        CASE WHEN EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN 'expired' ELSE 'forgotten' END,
        (julianday('now') - 2440587.5) * 86400.0);
END;
