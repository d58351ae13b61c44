-- Named leases (as SQLite's 016): a right that one process at a time holds, such as
-- long polling Telegram or running a singleton job. A holder is a random run token;
-- a lease that is not renewed runs out, so a killed process never holds one for long.
CREATE TABLE leases (
    name  TEXT             PRIMARY KEY,
    token TEXT             NOT NULL,
    until DOUBLE PRECISION NOT NULL
);
