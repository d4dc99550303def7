-- Members: every Telegram user who has talked to the bot.
CREATE TABLE members (
    user_id          INTEGER PRIMARY KEY,
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    username         TEXT    NOT NULL DEFAULT '',
    language         TEXT    NOT NULL DEFAULT '',
    language_chosen  INTEGER NOT NULL DEFAULT 0,
    municipality_id  INTEGER,
    position         TEXT    NOT NULL DEFAULT '',
    role             TEXT    NOT NULL DEFAULT 'newcomer'
                     CHECK (role IN ('newcomer', 'member', 'coordinator', 'admin')),
    reachable        INTEGER NOT NULL DEFAULT 1,
    time_zone        TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX members_municipality ON members (municipality_id);
