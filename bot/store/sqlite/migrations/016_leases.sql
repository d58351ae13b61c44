-- Named leases: a right that one process at a time holds, such as sending on a
-- channel (the platform's rate cap is one for all processes). A holder is a
-- random run token; a lease that is not renewed runs out, so a killed process
-- never holds one for long.
CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    until REAL NOT NULL
) WITHOUT ROWID;
