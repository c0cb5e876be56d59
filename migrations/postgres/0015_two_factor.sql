-- Two-factor sign-in (issue #22): authenticator apps (TOTP) and passkeys,
-- recovery codes, the sign-ins waiting for their second step, and who must
-- use a second factor.

-- A person's second factors. A TOTP factor keeps its secret (it must be
-- read to check a code; it never leaves the server after enrollment) and
-- the last time step a code was accepted for, so a code works once. A
-- passkey keeps its credential as the WebAuthn library serialises it.
CREATE TABLE second_factors (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('totp', 'passkey')),
    name           TEXT NOT NULL,
    totp_secret    TEXT,
    totp_last_step BIGINT,
    credential_id  TEXT UNIQUE,
    credential     TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    last_used_at   TIMESTAMPTZ
);
CREATE INDEX second_factors_by_user ON second_factors (user_id);

-- Single-use recovery codes, SHA-256 hashed (each carries 128 random bits).
CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- A password accepted, the second step still to come: the browser holds
-- the token (hashed here) in a short-lived cookie. A passkey ceremony in
-- progress keeps its state here, so any instance can finish it.
CREATE TABLE sign_in_challenges (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       BIGINT REFERENCES users (id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    passkey_state TEXT
);
CREATE INDEX sign_in_challenges_by_expiry ON sign_in_challenges (expires_at);

-- Whether the person has a second factor: the members table filters on it.
ALTER TABLE users ADD COLUMN two_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- How a session was signed in (OpenID Connect `amr` values, space
-- separated), when its last second factor was given (sensitive actions ask
-- again after 15 minutes), and whether its person must enroll a second
-- factor before doing anything else.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN factor_verified_at TIMESTAMPTZ;
ALTER TABLE sessions ADD COLUMN must_enroll BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE app_grants ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

-- Who must use a second factor: an organization's admins, or everyone in it.
ALTER TABLE organizations ADD COLUMN two_factor_required TEXT NOT NULL DEFAULT 'off'
    CHECK (two_factor_required IN ('off', 'admins', 'everyone'));

-- Settings of the installation as a whole: one row.
CREATE TABLE installation_settings (
    id                             INTEGER PRIMARY KEY CHECK (id = 1),
    super_admins_require_two_factor BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO installation_settings (id) VALUES (1);

-- The sign-in history names the factor used and a wrong second step.
ALTER TABLE sign_in_attempts DROP CONSTRAINT sign_in_attempts_outcome_check;
ALTER TABLE sign_in_attempts ADD CONSTRAINT sign_in_attempts_outcome_check
    CHECK (outcome IN ('succeeded', 'wrong_password', 'no_password', 'suspended', 'rate_limited', 'wrong_code'));
ALTER TABLE sign_in_attempts ADD COLUMN factor TEXT CHECK (factor IN ('totp', 'passkey', 'recovery_code'));
