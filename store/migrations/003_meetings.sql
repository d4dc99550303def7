-- Jobs: everything that must happen later — reminders, notices to
-- participants, digests, and later broadcast messages. A job is written in
-- the same transaction as the change that causes it, claimed with a lease
-- (lease_owner, lease_until) and marked done after it ran. job_key makes
-- writing the same job twice harmless.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    job_key     TEXT    NOT NULL UNIQUE,
    subject     TEXT    NOT NULL DEFAULT '', -- what the job is about, e.g. "meeting:42"
    recipient   INTEGER NOT NULL DEFAULT 0,  -- whom it is for, a Telegram user id
    due_at      TEXT    NOT NULL,
    payload     TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dropped')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until TEXT    NOT NULL DEFAULT '',
    note        TEXT    NOT NULL DEFAULT '', -- why it was dropped, or the last error
    created_at  TEXT    NOT NULL,
    finished_at TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due ON jobs (due_at) WHERE state = 'pending';
CREATE INDEX jobs_subject ON jobs (subject) WHERE state = 'pending';
CREATE INDEX jobs_recipient ON jobs (recipient, kind) WHERE state = 'pending';
-- The few jobs being run now, for the scheduler's next wake-up.
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'pending' AND lease_until != '';

-- Named leases shared by the instances that use this database, such as the
-- one that lets a single instance run the jobs at a time.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Visits and meetings. starts_at is UTC; time_zone is the organiser's zone
-- when the meeting was planned, which the calendar export uses and readers
-- in other zones are shown. revision grows with every reschedule or
-- cancellation, and is part of the keys of the meeting's jobs.
CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    author_id       INTEGER NOT NULL,
    municipality_id INTEGER NOT NULL DEFAULT 0,
    starts_at       TEXT    NOT NULL,
    time_zone       TEXT    NOT NULL,
    venue           TEXT    NOT NULL DEFAULT '',
    topic           TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    revision        INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX meetings_upcoming ON meetings (starts_at) WHERE status = 'planned';

CREATE TABLE meeting_participants (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL,
    answer     TEXT    NOT NULL DEFAULT '' CHECK (answer IN ('', 'going', 'not_going')),
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_participants_member ON meeting_participants (member_id);

-- A member's own reminder lead times and morning digest. Without a row, or
-- with leads NULL, the association's default lead times apply; leads '' means
-- reminders are off; otherwise leads lists seconds, largest first: "86400,3600".
CREATE TABLE reminder_settings (
    member_id  INTEGER PRIMARY KEY,
    leads      TEXT,
    digest     INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL
);
