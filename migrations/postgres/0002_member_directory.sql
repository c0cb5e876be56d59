-- The members table at scale (issue #4). Listing an organization's members
-- searches, filters and sorts on a person's name, email and last sign-in,
-- which live in `users`; joining 100,000 users to sort them on every page
-- costs hundreds of milliseconds. So each membership row carries a copy of
-- those three, kept equal by the triggers below (the application never
-- writes them), and every sort order has an index that also answers the
-- role and status filters and the count, without visiting the table.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE organization_members
    ADD COLUMN name_key        TEXT NOT NULL DEFAULT '',
    ADD COLUMN email           TEXT NOT NULL DEFAULT '',
    ADD COLUMN last_sign_in_at TIMESTAMPTZ;

UPDATE organization_members m
SET name_key = lower(u.name), email = u.email, last_sign_in_at = u.last_sign_in_at
FROM users u
WHERE u.id = m.user_id;

CREATE FUNCTION organization_members_copy_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT lower(u.name), u.email, u.last_sign_in_at
    INTO NEW.name_key, NEW.email, NEW.last_sign_in_at
    FROM users u
    WHERE u.id = NEW.user_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER organization_members_copy_user
    BEFORE INSERT OR UPDATE OF user_id ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_copy_user();

CREATE FUNCTION users_copy_to_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE organization_members
    SET name_key = lower(NEW.name), email = NEW.email, last_sign_in_at = NEW.last_sign_in_at
    WHERE user_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_copy_to_memberships
    AFTER UPDATE OF name, email, last_sign_in_at ON users
    FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name
          OR OLD.email IS DISTINCT FROM NEW.email
          OR OLD.last_sign_in_at IS DISTINCT FROM NEW.last_sign_in_at)
    EXECUTE FUNCTION users_copy_to_memberships();

-- One index per sort order, scanned forwards or backwards; a missing date
-- counts as the oldest. INCLUDE lets the role, status and sign-in filters
-- and COUNT(*) run on the index alone.
CREATE INDEX members_by_name ON organization_members (organization_id, name_key, user_id)
    INCLUDE (role, status, last_sign_in_at);
CREATE INDEX members_by_email ON organization_members (organization_id, email, user_id)
    INCLUDE (role, status, last_sign_in_at);
CREATE INDEX members_by_role ON organization_members (organization_id, role, user_id)
    INCLUDE (status, last_sign_in_at);
CREATE INDEX members_by_joined ON organization_members (organization_id, joined_at NULLS FIRST, user_id)
    INCLUDE (role, status, last_sign_in_at);
CREATE INDEX members_by_last_sign_in ON organization_members (organization_id, last_sign_in_at NULLS FIRST, user_id)
    INCLUDE (role, status);

-- Substring search on name and email (LIKE '%…%'), any organization.
CREATE INDEX members_name_trigram ON organization_members USING gin (name_key gin_trgm_ops);
CREATE INDEX members_email_trigram ON organization_members USING gin (email gin_trgm_ops);
