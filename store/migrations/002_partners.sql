-- Municipalities the association imports beyond the embedded directory
-- (municipal districts, OKTMO codes, corrected names). Ids of imported rows
-- that are not GeoNames places are negative, so they never collide.
CREATE TABLE municipalities (
    id           INTEGER PRIMARY KEY,
    country      TEXT    NOT NULL CHECK (country IN ('RU', 'BY')),
    name_ru      TEXT    NOT NULL,
    name_be      TEXT    NOT NULL DEFAULT '',
    name_en      TEXT    NOT NULL DEFAULT '',
    region_code  TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL DEFAULT 'town',
    population   INTEGER NOT NULL DEFAULT 0,
    lat          REAL    NOT NULL DEFAULT 0,
    lon          REAL    NOT NULL DEFAULT 0,
    time_zone    TEXT    NOT NULL DEFAULT '',
    oktmo        TEXT    NOT NULL DEFAULT '',
    imported_at  TEXT    NOT NULL
);

-- Areas of cooperation a municipality declared.
CREATE TABLE municipality_areas (
    municipality_id INTEGER NOT NULL,
    area            TEXT    NOT NULL,
    updated_by      INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (municipality_id, area)
);

-- Cooperation agreements and their parties.
CREATE TABLE agreements (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL DEFAULT '',
    stage       TEXT    NOT NULL DEFAULT 'agreement'
                CHECK (stage IN ('intent', 'agreement', 'twinning', 'programme', 'friendship')),
    signed_on   TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL DEFAULT 'in_force' CHECK (status IN ('in_force', 'expired', 'terminated')),
    areas       TEXT    NOT NULL DEFAULT '',
    added_by    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL
);
CREATE TABLE agreement_parties (
    agreement_id    INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    municipality_id INTEGER NOT NULL,
    PRIMARY KEY (agreement_id, municipality_id)
);
CREATE INDEX agreement_parties_municipality ON agreement_parties (municipality_id);

-- Partnership proposals with double opt-in.
CREATE TABLE proposals (
    id                INTEGER PRIMARY KEY,
    from_member       INTEGER NOT NULL,
    from_municipality INTEGER NOT NULL,
    to_municipality   INTEGER NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined')),
    answered_by       INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL,
    answered_at       TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX proposals_one_pending ON proposals (from_municipality, to_municipality) WHERE status = 'pending';
CREATE INDEX proposals_to ON proposals (to_municipality, status);

-- Which members have been shown a proposal, so that members who join later
-- still receive it, and nobody twice.
CREATE TABLE proposal_deliveries (
    proposal_id  INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL,
    delivered_at TEXT    NOT NULL,
    PRIMARY KEY (proposal_id, member_id)
);
