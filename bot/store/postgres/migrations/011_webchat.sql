-- The web chat's inbox (as SQLite's 022): every message the bot sends to a web chat session (the replies
-- of its turns, staff answers to its tickets, broadcasts), kept so the chat shows it again when the person
-- next opens the page (there is no push service). ON DELETE CASCADE: /forget and the retention purge of
-- inactive users remove it with the person.
CREATE TABLE webchat_messages (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- never reused: the browser asks after an id
    user_id    BIGINT           NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    body       TEXT             NOT NULL,  -- the message as JSON (text, title, options, locale)
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX webchat_messages_user ON webchat_messages (user_id, id);
CREATE INDEX webchat_messages_created ON webchat_messages (created_at);
