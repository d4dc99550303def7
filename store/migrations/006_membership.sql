-- Membership and trust: phone numbers shared on joining, requests to join,
-- invites, and the audit log of privileged actions.
ALTER TABLE members ADD COLUMN phone TEXT NOT NULL DEFAULT '';

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    actor   INTEGER NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL DEFAULT '',
    detail  TEXT    NOT NULL DEFAULT '',
    at      TEXT    NOT NULL
);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE join_requests (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    municipality_id INTEGER NOT NULL,
    position        TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    decided_at      TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX join_requests_one_pending ON join_requests (user_id) WHERE status = 'pending';

-- Invites are kept by the SHA-256 of their token: the token itself is only
-- in the link the coordinator shares.
CREATE TABLE invites (
    token_hash      TEXT    PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('member', 'coordinator')),
    uses_left       INTEGER NOT NULL,
    expires_at      TEXT    NOT NULL,
    created_by      INTEGER NOT NULL,
    created_at      TEXT    NOT NULL
);
