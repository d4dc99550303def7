-- The cooperation registry in full: when an agreement takes effect, its
-- term, automatic renewal and notice period, the document it was read from
-- and the summary made of it, and parties that are regions rather than
-- municipalities. revision grows with every edit and guards edits against
-- each other.
ALTER TABLE agreements ADD COLUMN in_force_on    TEXT    NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN term_months    INTEGER NOT NULL DEFAULT 0; -- 0: unknown or indefinite
ALTER TABLE agreements ADD COLUMN indefinite     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN auto_renewal   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN notice_months  INTEGER NOT NULL DEFAULT 0; -- 0: none stated
ALTER TABLE agreements ADD COLUMN languages      TEXT    NOT NULL DEFAULT ''; -- "ru,be"
ALTER TABLE agreements ADD COLUMN summary        TEXT    NOT NULL DEFAULT ''; -- JSON list of {text, clause}
ALTER TABLE agreements ADD COLUMN clauses        TEXT    NOT NULL DEFAULT ''; -- JSON list of {text, clause}
ALTER TABLE agreements ADD COLUMN source_name    TEXT    NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN source_file_id TEXT    NOT NULL DEFAULT ''; -- Telegram file_id
ALTER TABLE agreements ADD COLUMN source_size    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agreements ADD COLUMN source_sha256  TEXT    NOT NULL DEFAULT '';
ALTER TABLE agreements ADD COLUMN origin         TEXT    NOT NULL DEFAULT 'manual'
    CHECK (origin IN ('manual', 'document', 'import'));
ALTER TABLE agreements ADD COLUMN revision       INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agreements ADD COLUMN updated_at     TEXT    NOT NULL DEFAULT '';

-- One document is one agreement: uploading it again finds the stored one.
CREATE UNIQUE INDEX agreements_source ON agreements (source_sha256) WHERE source_sha256 <> '';
CREATE INDEX agreements_signed ON agreements (signed_on DESC, id DESC);

-- Parties that are regions (an oblast executive committee, a regional
-- administration), by directory region code such as "BY.07".
CREATE TABLE agreement_regions (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    region_code  TEXT    NOT NULL,
    PRIMARY KEY (agreement_id, region_code)
);
CREATE INDEX agreement_regions_region ON agreement_regions (region_code);
