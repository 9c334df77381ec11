-- Reminders and notifications: what each person is told, how they want to
-- hear of each kind, and the mail waiting to go out (the outbox, written in
-- the same transaction as the event that causes it).
ALTER TABLE organisations ADD COLUMN evidence_reminder_working_days INTEGER NOT NULL DEFAULT 5;
ALTER TABLE users ADD COLUMN daily_digest INTEGER NOT NULL DEFAULT 0;

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    -- What it is about: once per person, so a second scan (or server) adds nothing.
    about TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    in_app INTEGER NOT NULL,
    -- No email, waiting for the daily digest, or put in the outbox.
    email TEXT CHECK (email IN ('digest', 'queued')),
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, about);
CREATE INDEX notifications_of ON notifications (user_id, created_at);
CREATE INDEX notifications_for_digest ON notifications (user_id) WHERE email = 'digest';

CREATE TABLE notification_preferences (
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('app', 'email', 'both')),
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    about TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by TEXT,
    claimed_until INTEGER,
    sent_at INTEGER,
    given_up_at INTEGER,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND given_up_at IS NULL;
