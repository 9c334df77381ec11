-- Outreach to intake: an organisation's careers activities with schools and
-- colleges, and the applications, offers and starts that followed. Counts
-- only: nothing here identifies a child. Staff hours are tenths of an hour.
CREATE TABLE outreach_activities (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    reference TEXT NOT NULL,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    careers_hub TEXT NOT NULL,
    icb TEXT NOT NULL,
    school TEXT NOT NULL,
    school_urn TEXT,
    year_7 INTEGER NOT NULL CHECK (year_7 >= 0),
    year_8 INTEGER NOT NULL CHECK (year_8 >= 0),
    year_9 INTEGER NOT NULL CHECK (year_9 >= 0),
    year_10 INTEGER NOT NULL CHECK (year_10 >= 0),
    year_11 INTEGER NOT NULL CHECK (year_11 >= 0),
    year_12 INTEGER NOT NULL CHECK (year_12 >= 0),
    year_13 INTEGER NOT NULL CHECK (year_13 >= 0),
    teachers INTEGER NOT NULL CHECK (teachers >= 0),
    disadvantaged INTEGER NOT NULL CHECK (disadvantaged >= 0),
    roles_showcased TEXT NOT NULL,
    staff_tenth_hours INTEGER NOT NULL CHECK (staff_tenth_hours >= 0),
    recorded_at INTEGER NOT NULL,
    UNIQUE (org_id, reference)
);
CREATE TABLE outreach_follow_ups (
    activity_id INTEGER NOT NULL REFERENCES outreach_activities(id),
    route TEXT NOT NULL,
    period TEXT NOT NULL,
    applications INTEGER NOT NULL CHECK (applications >= 0),
    offers INTEGER NOT NULL CHECK (offers >= 0 AND offers <= applications),
    starts INTEGER NOT NULL CHECK (starts >= 0 AND starts <= offers),
    PRIMARY KEY (activity_id, route, period)
);
