-- The fit rules' thresholds, per organisation.
ALTER TABLE organisations ADD COLUMN travel_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE organisations ADD COLUMN rest_after_night_hours INTEGER NOT NULL DEFAULT 11;

-- What L&D offers (a workshop, a module, a teaching day) and what it supports.
CREATE TABLE learning_offers (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    supports TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Each sitting of an offer. Times are local wall-clock minutes since
-- 1970-01-01 00:00, as shifts are; no site means online. `revision` counts
-- changes, for calendar updates.
CREATE TABLE learning_sessions (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    offer_id INTEGER NOT NULL REFERENCES learning_offers(id),
    starts_at INTEGER NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    site_id INTEGER REFERENCES sites(id),
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    facilitator TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    cancelled_at INTEGER
);
CREATE INDEX learning_sessions_org_start ON learning_sessions (org_id, starts_at);
CREATE INDEX learning_sessions_offer ON learning_sessions (offer_id, starts_at);

-- A place, or a place on the waitlist (in id order), or one given up.
CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    session_id INTEGER NOT NULL REFERENCES learning_sessions(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    status TEXT NOT NULL CHECK (status IN ('booked', 'waiting', 'cancelled')),
    requested_at INTEGER NOT NULL,
    requested_by INTEGER REFERENCES users(id),
    override_note TEXT,
    moved_up_at INTEGER,
    cancelled_at INTEGER,
    attendance TEXT CHECK (attendance IN ('attended', 'absent', 'cancelled_late'))
);
CREATE UNIQUE INDEX bookings_one_live ON bookings (session_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX bookings_person ON bookings (person_id, status);

-- Release time a manager agreed for a learner; the latest covering a day applies.
CREATE TABLE release_agreements (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    per TEXT NOT NULL CHECK (per IN ('week', 'month')),
    from_day TEXT NOT NULL,
    until_day TEXT,
    agreed_by INTEGER REFERENCES users(id),
    agreed_at INTEGER NOT NULL
);
CREATE INDEX release_agreements_person ON release_agreements (person_id, id);
