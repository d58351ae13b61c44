-- Outbox claims are leases, not process ids. A process id means nothing across
-- PID namespaces (every container has its own pid 1..n, so a dead sender's
-- claims looked alive for ever, and a live one's could look dead), nor across
-- machines. A claim now carries the sender's random run token and an expiry;
-- a live sender renews its leases, and any sender may take over rows whose
-- lease ran out. claimed_by is no longer written.
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
ALTER TABLE outbox ADD COLUMN lease_until REAL NOT NULL DEFAULT 0;
-- Rows an older version was sending: their lease (0) has run out, so the next
-- sender or `marhaba broadcast resume` takes them over.
UPDATE outbox SET claimed_by = NULL WHERE state = 'sending';
