-- Sign-in failures are also counted per client address, so that one client
-- cannot lock anyone out or try unlimited emails.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_client ON login_failures (client, at);
