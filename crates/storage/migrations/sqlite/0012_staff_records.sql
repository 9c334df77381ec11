-- Staff records from the staff record system: band, staff group, start date
-- and work email on the person; a dated role history (a changed role or band
-- starts a new entry); and protected characteristics kept apart from the
-- person record, read only by aggregate views.
ALTER TABLE people ADD COLUMN afc_band TEXT;
ALTER TABLE people ADD COLUMN staff_group TEXT;
ALTER TABLE people ADD COLUMN start_date TEXT;
ALTER TABLE people ADD COLUMN email TEXT;
UPDATE people SET start_date = role_started;
CREATE TABLE role_history (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    from_date TEXT NOT NULL,
    role_code TEXT NOT NULL,
    afc_band TEXT,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX role_history_person ON role_history (person_id, from_date);
INSERT INTO role_history (person_id, from_date, role_code, recorded_at)
    SELECT id, role_started, role_code, 0 FROM people;
CREATE TABLE protected_characteristics (
    person_id INTEGER PRIMARY KEY REFERENCES people(id),
    sex TEXT NOT NULL,
    ethnicity TEXT NOT NULL,
    age_band TEXT NOT NULL,
    disability TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
-- An uploaded extract waiting for the admin's confirmation, by the hash of
-- a random token (so the file, with its special category data, never goes
-- back to the browser); taken once, or dropped when stale.
CREATE TABLE staff_uploads (
    token_hash TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    file_text TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
-- Leavers are never named as helpers: the helper lookup reads left_on from
-- the same index it reads names from.
DROP INDEX people_site_role_name;
DROP INDEX people_org_role_name;
CREATE INDEX people_site_role_name ON people (site_id, role_code, name, id, left_on);
CREATE INDEX people_org_role_name ON people (org_id, role_code, name, id, left_on);
