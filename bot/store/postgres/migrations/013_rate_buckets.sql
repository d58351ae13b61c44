-- Platform rate caps shared by every process (as SQLite's 024): one token bucket a row,
-- named by channel and bucket key ("telegram"), taken from in one UPDATE that locks the row.
-- `granted` is the number of tokens the last take got (read back by RETURNING).
CREATE TABLE rate_buckets (
    key     TEXT             PRIMARY KEY,
    tokens  DOUBLE PRECISION NOT NULL,
    stamp   DOUBLE PRECISION NOT NULL,
    granted INTEGER          NOT NULL DEFAULT 0
);
