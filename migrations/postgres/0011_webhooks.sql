-- Signed webhooks (issue #20): the endpoints admins register, the
-- deliveries owed to them (written in the transaction of the change they
-- announce) and every attempt made to deliver one.
--
-- Numbered 0011: 0010 belongs to the API keys (the same issue). sqlx applies
-- migrations in order and allows gaps, so each branch applies on its own.

CREATE TABLE webhook_endpoints (
    id                       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL: the installation's, for super admins, hearing every organization.
    organization_id          BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    url                      TEXT NOT NULL,
    description              TEXT NOT NULL DEFAULT '',
    -- `whsec_` + base64 of 32 random bytes, kept as is: signing needs it
    -- (SECURITY.md, "Webhook secrets").
    secret                   TEXT NOT NULL,
    -- The secret before the last rotation, still signed with until
    -- `previous_secret_until` (Standard Webhooks: several signatures).
    previous_secret          TEXT,
    previous_secret_until    TIMESTAMPTZ,
    created_by               BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    -- Since when every attempt has failed (NULL after a success); a day of
    -- that disables the endpoint.
    failing_since            TIMESTAMPTZ,
    disabled_at              TIMESTAMPTZ,
    disabled_reason          TEXT
);

CREATE INDEX webhook_endpoints_by_organization ON webhook_endpoints (organization_id);

-- The event types an endpoint hears. Keyed by type first: an audit event
-- finds its endpoints (usually none) with one probe of this key.
CREATE TABLE webhook_subscriptions (
    event_type  TEXT NOT NULL,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    PRIMARY KEY (event_type, endpoint_id)
);

CREATE INDEX webhook_subscriptions_by_endpoint ON webhook_subscriptions (endpoint_id);

CREATE TABLE webhook_deliveries (
    -- The Standard Webhooks message id (`webhook-id`), the same on every
    -- attempt and resend.
    id              TEXT PRIMARY KEY,
    endpoint_id     BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    -- The JSON body, signed and sent byte for byte as stored.
    payload         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Reserved for the worker that claimed it until then.
    leased_until    TIMESTAMPTZ,
    delivered_at    TIMESTAMPTZ,
    given_up_at     TIMESTAMPTZ
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

CREATE TABLE webhook_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          TIMESTAMPTZ NOT NULL,
    -- The receiver's answer, or why there was none.
    status_code INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);

CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
