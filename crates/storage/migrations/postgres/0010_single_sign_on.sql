-- Single sign-on: each organisation's OpenID provider (the client secret
-- stays in a file every server can read, never in the database), sign-ins
-- on their way through a provider (single use, short-lived), and the date a
-- person left, after which they cannot sign in at all.
CREATE TABLE identity_providers (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_file TEXT NOT NULL,
    email_claim TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE provider_sign_ins (
    state_hash TEXT PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES organisations(id),
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
ALTER TABLE people ADD COLUMN left_on TEXT;
