-- SCIM 2.0 provisioning (issue #21). A SCIM token is an API key made for
-- the organization's identity provider: it opens `/scim/v2/orgs/{slug}`
-- and nothing else, and a management key does not open SCIM.
ALTER TABLE api_keys ADD COLUMN purpose TEXT NOT NULL DEFAULT 'management'
    CHECK (purpose IN ('management', 'scim'));

-- The identity provider's own id for the person (SCIM `externalId`), its
-- `userName` for them when it is not their address (a member SCIM did not
-- make is known by their address), and when a SCIM token first provisioned
-- the membership (the members table's "provisioned by SCIM" filter).
ALTER TABLE organization_members ADD COLUMN external_id TEXT;
ALTER TABLE organization_members ADD COLUMN user_name TEXT;
ALTER TABLE organization_members ADD COLUMN provisioned_at TIMESTAMPTZ;
-- What the directory said of the person beyond what Roster keeps whole:
-- the parts of their name and the type of their address, returned as it
-- sent them. NULL: it never said (the parts are read from the name, the
-- address is a primary work address); '' for a part: it said none.
ALTER TABLE organization_members ADD COLUMN given_name TEXT;
ALTER TABLE organization_members ADD COLUMN family_name TEXT;
ALTER TABLE organization_members ADD COLUMN email_type TEXT;
ALTER TABLE organization_members ADD COLUMN email_primary BOOLEAN;
CREATE UNIQUE INDEX organization_members_by_external_id
    ON organization_members (organization_id, external_id) WHERE external_id IS NOT NULL;
-- `userName` compares without case (RFC 7643).
CREATE UNIQUE INDEX organization_members_by_user_name
    ON organization_members (organization_id, lower(user_name)) WHERE user_name IS NOT NULL;
CREATE INDEX organization_members_provisioned
    ON organization_members (organization_id, user_id) WHERE provisioned_at IS NOT NULL;

-- Whether a person SCIM creates (with no password yet) is emailed a link to choose one.
ALTER TABLE organizations ADD COLUMN scim_welcome_email BOOLEAN NOT NULL DEFAULT TRUE;

-- The display names an organization gives its three role groups, so that
-- they match the group names in its directory. A role without a row is
-- shown under its own name.
CREATE TABLE scim_group_names (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL REFERENCES roles (name),
    display_name    TEXT NOT NULL,
    PRIMARY KEY (organization_id, role)
);

-- The latest SCIM requests and their outcome, for the Provisioning page.
CREATE TABLE scim_requests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    api_key_id      BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,
    at              TIMESTAMPTZ NOT NULL,
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    status          INTEGER NOT NULL,
    -- The SCIM error's detail, or what the request changed.
    outcome         TEXT NOT NULL
);
CREATE INDEX scim_requests_by_organization ON scim_requests (organization_id, id);
