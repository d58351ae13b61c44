-- Inbox rows by user, in arrival order, claimed under a lease (as PostgreSQL's 012): the id gives the
-- order in which updates were acknowledged; user_key (the platform's user id) lets a user's updates be
-- taken in that order; claimed_by (a run token, never a process id) and claim_until say who is handling
-- a row. One process serves a SQLite file, but the rows and the repository are the same on both.
CREATE TABLE inbox_claimed (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    platform_id TEXT NOT NULL,   -- Telegram update_id, WhatsApp message id, ...
    payload     TEXT,            -- the raw update while it waits; NULL once handled
    received_at REAL NOT NULL,
    done_at     REAL,
    user_key    TEXT,            -- the platform's user id, for the order of one user's updates
    claimed_by  TEXT,            -- the run token of the worker handling it
    claim_until REAL,
    UNIQUE (channel, platform_id)
);
INSERT INTO inbox_claimed (channel, platform_id, payload, received_at, done_at)
    SELECT channel, platform_id, payload, received_at, done_at FROM inbox ORDER BY received_at;
DROP TABLE inbox;
ALTER TABLE inbox_claimed RENAME TO inbox;
CREATE INDEX inbox_waiting ON inbox (channel, received_at) WHERE done_at IS NULL;
CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX inbox_user_waiting ON inbox (channel, user_key, id) WHERE done_at IS NULL;
-- Updates waiting from before: Messenger's sender, or Telegram's chat, is the person.
UPDATE inbox SET user_key = json_extract(payload, '$.sender.id')
    WHERE channel = 'messenger' AND done_at IS NULL AND json_valid(payload);
UPDATE inbox SET user_key = CAST(COALESCE(json_extract(payload, '$.message.chat.id'),
                                          json_extract(payload, '$.callback_query.message.chat.id'),
                                          json_extract(payload, '$.message_reaction.chat.id'),
                                          'update:' || platform_id) AS TEXT)
    WHERE channel = 'telegram' AND done_at IS NULL AND json_valid(payload);
