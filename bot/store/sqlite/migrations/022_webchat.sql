-- The web chat's inbox: every message the bot sends to a web chat session (the replies of its turns,
-- staff answers to its tickets, broadcasts), kept until the person's browser has shown it and a little
-- longer, so the chat shows it again when they next open the page (there is no push service).
-- ON DELETE CASCADE: /forget and the retention purge of inactive users remove it with the person.
CREATE TABLE webchat_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the browser asks for messages after an id
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,                   -- the message as JSON (text, title, options, locale)
    created_at REAL    NOT NULL
);
CREATE INDEX webchat_messages_user ON webchat_messages (user_id, id);
CREATE INDEX webchat_messages_created ON webchat_messages (created_at);
