-- The reachable members of a municipality (profiles, visit invitations,
-- proposals): counting them reads this index alone, and listing them by
-- user id needs no sort (user_id is the rowid, which every index holds in
-- order). It replaces the index on municipality_id alone.
CREATE INDEX members_municipality_reachable ON members (municipality_id, reachable);
DROP INDEX members_municipality;
