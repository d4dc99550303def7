-- Best practices: what a municipality did, the problem it solved and the
-- result, shared by its members (or a coordinator on its behalf).
-- country, region_code and population are copied from the directory when
-- the practice is written. rank orders search results, newest and
-- most-asked-about first (see store/practices.go). terms are the search
-- keys of the text, computed by the caller. Searching is done in memory by
-- the handlers (handlers/practices/index), which follow the changes through
-- seq: every change of a practice gives it the next number of
-- practice_seq, in the same transaction.
CREATE TABLE practices (
    id              INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    country         TEXT    NOT NULL DEFAULT '',
    region_code     TEXT    NOT NULL DEFAULT '',
    population      INTEGER NOT NULL DEFAULT 0,
    author_id       INTEGER NOT NULL,
    lang            TEXT    NOT NULL DEFAULT '',
    title           TEXT    NOT NULL,
    areas           TEXT    NOT NULL DEFAULT '', -- comma-separated area keys
    problem         TEXT    NOT NULL DEFAULT '',
    actions         TEXT    NOT NULL DEFAULT '',
    result          TEXT    NOT NULL DEFAULT '',
    period          TEXT    NOT NULL DEFAULT '',
    file_kind       TEXT    NOT NULL DEFAULT '' CHECK (file_kind IN ('', 'photo', 'document')),
    file_id         TEXT    NOT NULL DEFAULT '', -- Telegram file_id, sent again by id
    file_name       TEXT    NOT NULL DEFAULT '',
    contact_ok      INTEGER NOT NULL DEFAULT 1,
    status          TEXT    NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn', 'hidden')),
    recommended     INTEGER NOT NULL DEFAULT 0,
    recommended_at  TEXT    NOT NULL DEFAULT '',
    asks            INTEGER NOT NULL DEFAULT 0,
    rank            REAL    NOT NULL DEFAULT 0,
    terms           TEXT    NOT NULL DEFAULT '',
    seq             INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX practices_municipality ON practices (municipality_id, status, rank DESC);
CREATE INDEX practices_author ON practices (author_id);
CREATE INDEX practices_recommended ON practices (recommended_at) WHERE recommended = 1;
CREATE UNIQUE INDEX practices_seq ON practices (seq);

-- The last change number given to a practice.
CREATE TABLE practice_seq (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO practice_seq (id, n) VALUES (1, 0);

-- "Ask about this practice": a member's request to the practice's
-- municipality, with double opt-in. One per member and practice.
CREATE TABLE practice_asks (
    id                 INTEGER PRIMARY KEY,
    practice_id        INTEGER NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    asker_id           INTEGER NOT NULL,
    asker_municipality INTEGER NOT NULL DEFAULT 0,
    status             TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    answered_by        INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    answered_at        TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX practice_asks_once ON practice_asks (practice_id, asker_id);
CREATE INDEX practice_asks_asker ON practice_asks (asker_id);

-- Members who turned the monthly digest of recommended practices off.
CREATE TABLE practice_digest_optout (
    member_id INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL
);

-- Search texts behind list buttons: button data is limited to 64 bytes, so
-- a page button carries the id of its search text instead of the text.
-- AUTOINCREMENT: an id of a dropped text must never name another one.
CREATE TABLE practice_queries (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    text    TEXT NOT NULL UNIQUE,
    used_at TEXT NOT NULL
);
