-- WhatsApp (as SQLite's 003): inbound message ids (redelivery guard and the 24-hour window)
-- and the delivery statuses of the messages we sent (for broadcasts). Pruned after a
-- retention period; both reference users(id) ON DELETE CASCADE so that /forget removes them.
CREATE TABLE whatsapp_inbound (
    message_id  TEXT             PRIMARY KEY,
    user_id     BIGINT           NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at     DOUBLE PRECISION NOT NULL,  -- when the user wrote (the webhook timestamp, never in the future)
    received_at DOUBLE PRECISION NOT NULL   -- when we first saw it (pruning)
);
CREATE INDEX whatsapp_inbound_user ON whatsapp_inbound (user_id, sent_at);
CREATE INDEX whatsapp_inbound_received ON whatsapp_inbound (received_at);

CREATE TABLE whatsapp_statuses (
    message_id TEXT             PRIMARY KEY,  -- the id the Cloud API returned when the message was sent
    user_id    BIGINT           NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status     TEXT             NOT NULL,     -- accepted, sent, delivered, read, failed
    error_code INTEGER,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX whatsapp_statuses_updated ON whatsapp_statuses (updated_at);
CREATE INDEX whatsapp_statuses_user ON whatsapp_statuses (user_id);
