-- Ending an enrolment: why (completed, left, withdrawn), a note and who ended it.
-- ended_on already exists; an ended enrolment can be reopened, which clears all four.
ALTER TABLE enrolments ADD COLUMN end_reason TEXT;
ALTER TABLE enrolments ADD COLUMN end_note TEXT;
ALTER TABLE enrolments ADD COLUMN ended_by INTEGER REFERENCES users(id);
CREATE INDEX enrolments_person ON enrolments (person_id);
