-- One decision per piece of evidence: two assessors deciding at once cannot
-- both succeed (the second insert fails and is reported as a conflict).
DROP INDEX evidence_decisions_evidence;
CREATE UNIQUE INDEX evidence_decisions_one_per_evidence ON evidence_decisions (evidence_id);
