-- Usage over time and where people need a person (as SQLite's 011): counts only, no user id.
-- usage_weeks: per week (its Monday, UTC), the people active in it and the questions asked.
CREATE TABLE usage_weeks (
    week         TEXT    PRIMARY KEY,
    active_users INTEGER NOT NULL DEFAULT 0,
    questions    INTEGER NOT NULL DEFAULT 0
);

-- question_outcomes: per language, questions answered with a topic and those answered "not sure".
CREATE TABLE question_outcomes (
    locale   TEXT    PRIMARY KEY,
    answered INTEGER NOT NULL DEFAULT 0,
    not_sure INTEGER NOT NULL DEFAULT 0
);

-- handoff_origins: the page people were on just before they asked for a person.
CREATE TABLE handoff_origins (
    node_id TEXT    PRIMARY KEY,
    count   INTEGER NOT NULL DEFAULT 0
);
