-- Sign in with Roster (issue #19): the applications people sign in to with
-- OpenID Connect, the keys tokens are signed with, what each sign-in
-- grants, and the back-channel logouts owed to applications.

-- The ids applications see (`sub`, `org_id`): random, given on first use,
-- never the row id (SQLite may reuse a deleted row's id).
ALTER TABLE users ADD COLUMN public_id TEXT;
CREATE UNIQUE INDEX users_by_public_id ON users (public_id);
ALTER TABLE organizations ADD COLUMN public_id TEXT;
CREATE UNIQUE INDEX organizations_by_public_id ON organizations (public_id);

CREATE TABLE apps (
    id                        INTEGER PRIMARY KEY,
    client_id                 TEXT NOT NULL UNIQUE,
    name                      TEXT NOT NULL,
    kind                      TEXT NOT NULL CHECK (kind IN ('confidential', 'public')),
    -- SHA-256 of the client secret (confidential apps only); shown once.
    secret_hash               TEXT,
    -- JSON arrays of URIs, compared exactly.
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    backchannel_logout_uri    TEXT,
    status                    TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL
);

CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    kid         TEXT NOT NULL UNIQUE,
    algorithm   TEXT NOT NULL,
    -- PKCS#8 PEM. The database is the installation's secret store, as it
    -- already is for everything else Roster keeps.
    private_key TEXT NOT NULL,
    -- The public half as a JWK (JSON), as the JWKS publishes it.
    public_jwk  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- When a newer key took over signing; published until tokens signed
    -- with it have expired.
    retired_at  TEXT
);

-- One sign-in of a person to an app (a session in the app's eyes, `sid`),
-- and the family of refresh tokens it holds.
CREATE TABLE app_grants (
    id              INTEGER PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE,
    -- The Roster session it was made from: signing out there (RP-initiated
    -- logout) ends the app sessions made from it.
    session_id      INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    sid             TEXT NOT NULL UNIQUE,
    scope           TEXT NOT NULL,
    auth_time       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    revoked_at      TEXT
);

CREATE INDEX app_grants_by_user ON app_grants (user_id, revoked_at);
CREATE INDEX app_grants_by_app ON app_grants (app_id);
CREATE INDEX app_grants_by_organization ON app_grants (organization_id);
CREATE INDEX app_grants_by_session ON app_grants (session_id);

CREATE TABLE authorization_codes (
    id             INTEGER PRIMARY KEY,
    code_hash      TEXT NOT NULL UNIQUE,
    grant_id       INTEGER NOT NULL REFERENCES app_grants (id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT,
    nonce          TEXT,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT
);

CREATE INDEX authorization_codes_by_grant ON authorization_codes (grant_id);

CREATE TABLE refresh_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    grant_id   INTEGER NOT NULL REFERENCES app_grants (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    -- Set when it is exchanged; presenting it again revokes the grant.
    used_at    TEXT
);

CREATE INDEX refresh_tokens_by_grant ON refresh_tokens (grant_id);

-- Logout tokens owed to apps (OpenID Connect Back-Channel Logout 1.0),
-- written in the transaction that ends the grant and delivered by workers
-- like the email outbox. Self-contained: the person may be deleted by then.
CREATE TABLE backchannel_logouts (
    id              INTEGER PRIMARY KEY,
    app_id          INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    uri             TEXT NOT NULL,
    subject         TEXT NOT NULL,
    sid             TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT
);

CREATE INDEX backchannel_logouts_due ON backchannel_logouts (status, next_attempt_at);

-- A sign-in to an app is a sign-in: its history names the app.
ALTER TABLE sign_in_attempts ADD COLUMN app TEXT;
