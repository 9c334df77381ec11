-- Foundation: organisations, the career framework, people, accounts and audit.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE catalogue_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    org_id INTEGER REFERENCES organisations(id),
    site_id INTEGER REFERENCES sites(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    band TEXT NOT NULL,
    staff_group TEXT NOT NULL,
    career_level INTEGER NOT NULL,
    family TEXT NOT NULL,
    clinical INTEGER NOT NULL
);
CREATE UNIQUE INDEX roles_scope_code ON roles (COALESCE(org_id, 0), code);
CREATE TABLE transitions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER REFERENCES organisations(id),
    site_id INTEGER REFERENCES sites(id),
    from_code TEXT NOT NULL,
    to_code TEXT NOT NULL,
    route_kind TEXT NOT NULL,
    route_name TEXT NOT NULL,
    standard_code TEXT,
    route_level INTEGER,
    duration_months INTEGER NOT NULL,
    funding_band_gbp INTEGER,
    confirmed INTEGER NOT NULL,
    helpers TEXT NOT NULL
);
CREATE INDEX transitions_from ON transitions (from_code);
CREATE TABLE requirements (
    id INTEGER PRIMARY KEY,
    transition_id INTEGER NOT NULL REFERENCES transitions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    months INTEGER,
    evidence_hint TEXT
);
CREATE INDEX requirements_transition ON requirements (transition_id);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    role_code TEXT NOT NULL,
    role_started TEXT NOT NULL,
    manager_id INTEGER REFERENCES people(id),
    interests TEXT NOT NULL
);
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_site_role ON people (site_id, role_code);
CREATE TABLE held_items (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX held_items_person ON held_items (person_id);
CREATE TABLE vacancies (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    role_code TEXT NOT NULL,
    open_posts INTEGER NOT NULL
);
CREATE INDEX vacancies_site ON vacancies (site_id);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id INTEGER REFERENCES people(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    app_roles TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    org_id INTEGER,
    user_id INTEGER,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (org_id, at);
-- The audit trail is append-only: refuse changes and deletions at the database.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
