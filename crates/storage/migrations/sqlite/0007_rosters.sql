-- Sites get the short codes rotas and staff extracts name them by; sites
-- made before have S<id>.
ALTER TABLE sites ADD COLUMN code TEXT;
UPDATE sites SET code = 'S' || id WHERE code IS NULL;
CREATE UNIQUE INDEX sites_org_code ON sites (org_id, code);

-- Rostered shifts as the e-rostering system exported them. Times are local
-- wall-clock minutes since 1970-01-01 00:00; a shift ends after it starts.
CREATE TABLE shifts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    shift_type TEXT NOT NULL,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_person_start ON shifts (person_id, starts_at);
