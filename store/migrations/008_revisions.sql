-- Revision numbers of derived data that readers cache. Triggers raise a
-- number whenever a row it depends on changes, in this process or another
-- (an import from the command line), so a cache is checked with one read.
CREATE TABLE revisions (
    name TEXT    PRIMARY KEY,
    n    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- partner_facts: declared areas, the ties agreements make, and how many
-- members each municipality has; partner ranking caches them.
INSERT INTO revisions (name) VALUES ('partner_facts');

CREATE TRIGGER partner_facts_area_added AFTER INSERT ON municipality_areas
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_area_removed AFTER DELETE ON municipality_areas
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_area_changed AFTER UPDATE OF municipality_id, area ON municipality_areas
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;

CREATE TRIGGER partner_facts_party_added AFTER INSERT ON agreement_parties
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_party_removed AFTER DELETE ON agreement_parties
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_party_changed AFTER UPDATE ON agreement_parties
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_agreement_status AFTER UPDATE OF status ON agreements
WHEN OLD.status IS NOT NEW.status
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;

CREATE TRIGGER partner_facts_member_added AFTER INSERT ON members
WHEN NEW.municipality_id IS NOT NULL
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_member_moved AFTER UPDATE OF municipality_id ON members
WHEN OLD.municipality_id IS NOT NEW.municipality_id
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
CREATE TRIGGER partner_facts_member_removed AFTER DELETE ON members
WHEN OLD.municipality_id IS NOT NULL
BEGIN UPDATE revisions SET n = n + 1 WHERE name = 'partner_facts'; END;
