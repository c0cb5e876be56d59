-- The management API (issue #20): API keys, the requests retried with an
-- `Idempotency-Key`, and which key made each audited change.

CREATE TABLE api_keys (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL: an installation key (made by a super admin); otherwise the
    -- organization whose admin it acts as.
    organization_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    -- The first characters of the secret after `roster_`: shown in lists to
    -- tell keys apart (a presented key is found by its hash).
    prefix          TEXT NOT NULL,
    -- SHA-256 of the whole secret, which is shown once and never stored.
    secret_hash     TEXT NOT NULL UNIQUE,
    -- The key acts as this person, never with more than they may do now.
    -- Deleting them leaves the key unusable (NULL), and kept for the log.
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);

CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at);

ALTER TABLE audit_events ADD COLUMN api_key_id BIGINT REFERENCES api_keys (id) ON DELETE SET NULL;

-- What a POST with an `Idempotency-Key` answered, replayed when it is retried.
CREATE TABLE api_idempotency (
    api_key_id      BIGINT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    -- SHA-256 of the method, path and body: a retry must be the same request.
    fingerprint     TEXT NOT NULL,
    status          INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (api_key_id, idempotency_key)
);
