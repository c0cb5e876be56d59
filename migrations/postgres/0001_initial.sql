-- Roster's schema (DESIGN §4), PostgreSQL dialect.

CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    rank        INTEGER NOT NULL UNIQUE,
    description TEXT NOT NULL
);

INSERT INTO roles (name, rank, description) VALUES
    ('viewer', 1, 'Sees their own profile, sessions and activity.'),
    ('editor', 2, 'Everything a viewer can, in their own account.'),
    ('admin',  3, 'Manages the organization''s members: invites, roles, suspensions, resets, removals.');

CREATE TABLE organizations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored lower-cased by the application, so this index is case-insensitive.
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    -- NULL until the person sets a password (an invitee who has not accepted).
    password_hash   TEXT,
    is_super_admin  BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at      TIMESTAMPTZ NOT NULL,
    last_sign_in_at TIMESTAMPTZ
);

CREATE TABLE organization_members (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL REFERENCES roles (name),
    status          TEXT NOT NULL CHECK (status IN ('active', 'invited', 'suspended')),
    created_at      TIMESTAMPTZ NOT NULL,
    -- Set when an invitation is accepted.
    joined_at       TIMESTAMPTZ,
    PRIMARY KEY (organization_id, user_id)
);

CREATE INDEX organization_members_by_user ON organization_members (user_id);

CREATE TABLE sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the cookie's token; the token itself is never stored.
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ,
    ip           TEXT,
    user_agent   TEXT
);

CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE tokens (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('setup', 'invitation', 'password_reset')),
    token_hash      TEXT NOT NULL UNIQUE,
    user_id         BIGINT REFERENCES users (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);

CREATE INDEX tokens_by_user ON tokens (user_id);

CREATE TABLE audit_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    -- SET NULL: deleting a person keeps the event but not who they were.
    actor_user_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_ip        TEXT,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    action          TEXT NOT NULL,
    target_user_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    details         TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_by_org_time ON audit_events (organization_id, at);
CREATE INDEX audit_events_by_actor ON audit_events (actor_user_id);
CREATE INDEX audit_events_by_target ON audit_events (target_user_id);

CREATE TABLE email_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at      TIMESTAMPTZ NOT NULL,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ
);

CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
