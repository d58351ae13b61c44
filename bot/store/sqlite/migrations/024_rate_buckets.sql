-- Platform rate caps shared by every process on the file (`marhaba run` and `marhaba
-- broadcast`): one token bucket a row, named by channel and bucket key ("telegram").
-- `granted` is the number of tokens the last take got (read back by RETURNING).
CREATE TABLE rate_buckets (
    key     TEXT    PRIMARY KEY,
    tokens  REAL    NOT NULL,
    stamp   REAL    NOT NULL,
    granted INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
