-- The people directory: the assignment number people already know (from
-- the staff record system; blank for someone added without one), unique in
-- an organisation, and an index for finding people by name.
ALTER TABLE people ADD COLUMN assignment_number TEXT;
CREATE UNIQUE INDEX people_assignment ON people (org_id, assignment_number);
CREATE INDEX people_org_name ON people (org_id, name);
