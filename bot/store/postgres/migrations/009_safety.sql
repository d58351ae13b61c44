-- Safety check (as SQLite's 012): how often each category was matched, per language.
-- Counts only, on purpose: no text, no user, no time of a match.
CREATE TABLE safety_matches (
    category TEXT    NOT NULL,
    locale   TEXT    NOT NULL,
    count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (category, locale)
);
