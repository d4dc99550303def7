-- Broadcasts: announcements coordinators send to chosen members, their
-- outbox (one row per recipient), members who muted announcements, forums
-- and the answers to their invitations.
--
-- state: approval (waits for a second coordinator), queued (outbox written,
-- sending or waiting for its time), paused, done, cancelled, rejected.
CREATE TABLE broadcasts (
    id             INTEGER PRIMARY KEY,
    author_id      INTEGER NOT NULL,
    state          TEXT    NOT NULL
                   CHECK (state IN ('approval', 'queued', 'paused', 'done', 'cancelled', 'rejected')),
    kind           TEXT    NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'photo', 'document')),
    body           TEXT    NOT NULL DEFAULT '', -- HTML text or caption
    file_id        TEXT    NOT NULL DEFAULT '',
    file_name      TEXT    NOT NULL DEFAULT '',
    audience       TEXT    NOT NULL DEFAULT '', -- the audience, as the composer described it
    mandatory      INTEGER NOT NULL DEFAULT 0,  -- delivered to members who muted announcements
    forum_id       INTEGER NOT NULL DEFAULT 0,  -- RSVP buttons for this forum, 0 for none
    link_url       TEXT    NOT NULL DEFAULT '',
    link_text      TEXT    NOT NULL DEFAULT '',
    send_at        TEXT    NOT NULL DEFAULT '', -- UTC, or '' for now
    local_time     TEXT    NOT NULL DEFAULT '', -- "2006-01-02T15:04" in each recipient's zone, or ''
    approved_by    INTEGER NOT NULL DEFAULT 0,
    progress_chat  INTEGER NOT NULL DEFAULT 0,
    progress_msg   INTEGER NOT NULL DEFAULT 0,
    recipients     INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL,
    queued_at      TEXT    NOT NULL DEFAULT '',
    finished_at    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX broadcasts_state ON broadcasts (state);

-- One row per broadcast and recipient. status: pending, sent, blocked (403,
-- never retried), failed (after retries, with the reason), skipped (the
-- broadcast was cancelled first).
CREATE TABLE broadcast_outbox (
    id           INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    recipient_id INTEGER NOT NULL,
    language     TEXT    NOT NULL DEFAULT '',
    due_at       TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'blocked', 'failed', 'skipped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT    NOT NULL DEFAULT '',
    lease_until  TEXT    NOT NULL DEFAULT '',
    reason       TEXT    NOT NULL DEFAULT '',
    message_id   INTEGER NOT NULL DEFAULT 0,
    sent_at      TEXT    NOT NULL DEFAULT '',
    UNIQUE (broadcast_id, recipient_id)
);
CREATE INDEX broadcast_outbox_due ON broadcast_outbox (due_at) WHERE status = 'pending';
CREATE INDEX broadcast_outbox_recipient ON broadcast_outbox (recipient_id);

CREATE TABLE broadcast_mutes (
    member_id INTEGER PRIMARY KEY,
    muted_at  TEXT    NOT NULL
);

CREATE TABLE forums (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    city       TEXT    NOT NULL DEFAULT '',
    starts_on  TEXT    NOT NULL, -- 2006-01-02
    ends_on    TEXT    NOT NULL,
    sections   TEXT    NOT NULL DEFAULT '', -- one per line
    capacity   INTEGER NOT NULL DEFAULT 0,  -- 0: unlimited
    deadline   TEXT    NOT NULL DEFAULT '', -- UTC; '' for none
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL
);
CREATE INDEX forums_starts ON forums (starts_on);

-- answer: going, maybe, not_going; waitlisted: going, but over capacity.
CREATE TABLE forum_rsvps (
    forum_id    INTEGER NOT NULL REFERENCES forums (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL,
    answer      TEXT    NOT NULL CHECK (answer IN ('going', 'maybe', 'not_going')),
    section     TEXT    NOT NULL DEFAULT '',
    waitlisted  INTEGER NOT NULL DEFAULT 0,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (forum_id, member_id)
);
CREATE INDEX forum_rsvps_member ON forum_rsvps (member_id);
