-- The members table at scale (issue #4). Listing an organization's members
-- searches, filters and sorts on a person's name, email and last sign-in,
-- which live in `users`; joining 100,000 users to sort them on every page
-- costs hundreds of milliseconds. So each membership row carries a copy of
-- those three, kept equal by the triggers below (the application never
-- writes them), and every sort order has an index that also answers the
-- filters and the count, without visiting the table.

ALTER TABLE organization_members ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE organization_members ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE organization_members ADD COLUMN last_sign_in_at TEXT;

UPDATE organization_members
SET name_key = (SELECT lower(u.name) FROM users u WHERE u.id = organization_members.user_id),
    email = (SELECT u.email FROM users u WHERE u.id = organization_members.user_id),
    last_sign_in_at = (SELECT u.last_sign_in_at FROM users u WHERE u.id = organization_members.user_id);

CREATE TRIGGER organization_members_copy_user
AFTER INSERT ON organization_members
BEGIN
    UPDATE organization_members
    SET name_key = (SELECT lower(u.name) FROM users u WHERE u.id = NEW.user_id),
        email = (SELECT u.email FROM users u WHERE u.id = NEW.user_id),
        last_sign_in_at = (SELECT u.last_sign_in_at FROM users u WHERE u.id = NEW.user_id)
    WHERE organization_id = NEW.organization_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER users_copy_to_memberships
AFTER UPDATE OF name, email, last_sign_in_at ON users
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email OR OLD.last_sign_in_at IS NOT NEW.last_sign_in_at
BEGIN
    UPDATE organization_members
    SET name_key = lower(NEW.name), email = NEW.email, last_sign_in_at = NEW.last_sign_in_at
    WHERE user_id = NEW.id;
END;

-- One index per sort order, scanned forwards or backwards (SQLite orders a
-- missing date first, as the oldest). The trailing columns let every filter,
-- the search and COUNT(*) run on the index alone.
CREATE INDEX members_by_name
    ON organization_members (organization_id, name_key, user_id, role, status, last_sign_in_at, email);
CREATE INDEX members_by_email
    ON organization_members (organization_id, email, user_id, role, status, last_sign_in_at, name_key);
CREATE INDEX members_by_role
    ON organization_members (organization_id, role, user_id, status, last_sign_in_at, name_key, email);
CREATE INDEX members_by_joined
    ON organization_members (organization_id, joined_at, user_id, role, status, last_sign_in_at, name_key, email);
CREATE INDEX members_by_last_sign_in
    ON organization_members (organization_id, last_sign_in_at, user_id, role, status, name_key, email);
