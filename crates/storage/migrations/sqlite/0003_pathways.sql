-- Four-stage progression pathways: template versions and their criteria,
-- enrolments, evidence, decisions, sign-offs, reviews and workload flags.
-- Decisions and sign-offs are append-only: a mistake is superseded by a new row.
CREATE TABLE pathway_versions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    review_every_weeks INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES users(id),
    change_note TEXT NOT NULL
);
CREATE UNIQUE INDEX pathway_versions_code ON pathway_versions (org_id, code, version);
CREATE TABLE pathway_criteria (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES pathway_versions(id),
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    stage TEXT NOT NULL,
    required INTEGER NOT NULL,
    due_weeks INTEGER,
    applies TEXT NOT NULL,
    examples TEXT NOT NULL,
    counts_as TEXT
);
CREATE INDEX pathway_criteria_version ON pathway_criteria (version_id, position);
CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    version_id INTEGER NOT NULL REFERENCES pathway_versions(id),
    variant TEXT,
    aim TEXT,
    enrolled_on TEXT NOT NULL,
    enrolled_by INTEGER REFERENCES users(id),
    ended_on TEXT
);
CREATE UNIQUE INDEX enrolments_one_active ON enrolments (person_id) WHERE ended_on IS NULL;
CREATE INDEX enrolments_org ON enrolments (org_id);
CREATE TABLE version_moves (
    id INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    from_version_id INTEGER NOT NULL REFERENCES pathway_versions(id),
    to_version_id INTEGER NOT NULL REFERENCES pathway_versions(id),
    reason TEXT NOT NULL,
    by_user INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    activity TEXT NOT NULL,
    file_key TEXT,
    file_name TEXT,
    file_type TEXT,
    file_size INTEGER,
    added_by_user INTEGER REFERENCES users(id),
    added_by_person INTEGER REFERENCES people(id),
    added_on TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX evidence_enrolment ON evidence (enrolment_id);
CREATE INDEX evidence_org ON evidence (org_id);
CREATE TABLE evidence_criteria (
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    criterion_key TEXT NOT NULL,
    PRIMARY KEY (evidence_id, criterion_key)
);
CREATE TABLE evidence_decisions (
    id INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence(id),
    outcome TEXT NOT NULL,
    feedback TEXT NOT NULL,
    by_user INTEGER REFERENCES users(id),
    by_person INTEGER REFERENCES people(id),
    at INTEGER NOT NULL
);
CREATE INDEX evidence_decisions_evidence ON evidence_decisions (evidence_id);
CREATE TABLE sign_offs (
    id INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    criterion_key TEXT NOT NULL,
    signed_off INTEGER NOT NULL,
    evidence_id INTEGER REFERENCES evidence(id),
    by_user INTEGER REFERENCES users(id),
    by_person INTEGER REFERENCES people(id),
    on_date TEXT NOT NULL,
    reason TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX sign_offs_enrolment ON sign_offs (enrolment_id, id);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    held_on TEXT NOT NULL,
    progress TEXT NOT NULL,
    actions TEXT NOT NULL,
    workload_pressure INTEGER NOT NULL,
    rating INTEGER,
    by_user INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX reviews_enrolment ON reviews (enrolment_id, held_on);
CREATE TABLE workload_flags (
    id INTEGER PRIMARY KEY,
    enrolment_id INTEGER NOT NULL REFERENCES enrolments(id),
    open INTEGER NOT NULL,
    note TEXT NOT NULL,
    by_user INTEGER REFERENCES users(id),
    at INTEGER NOT NULL
);
CREATE INDEX workload_flags_enrolment ON workload_flags (enrolment_id);
CREATE TRIGGER evidence_decisions_no_update BEFORE UPDATE ON evidence_decisions
BEGIN SELECT RAISE(ABORT, 'evidence_decisions is append-only'); END;
CREATE TRIGGER evidence_decisions_no_delete BEFORE DELETE ON evidence_decisions
BEGIN SELECT RAISE(ABORT, 'evidence_decisions is append-only'); END;
CREATE TRIGGER sign_offs_no_update BEFORE UPDATE ON sign_offs
BEGIN SELECT RAISE(ABORT, 'sign_offs is append-only'); END;
CREATE TRIGGER sign_offs_no_delete BEFORE DELETE ON sign_offs
BEGIN SELECT RAISE(ABORT, 'sign_offs is append-only'); END;
