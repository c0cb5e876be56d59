-- Counting 100,000 rows costs milliseconds however they are read, and the
-- members table shows a total under every page. So each organization's
-- members are also kept tallied by role, status and whether they ever signed
-- in: the total of an unsearched view (filters on role, status, never signed
-- in) is a sum of a few of these rows. A search, or a date cutoff that moves
-- with the clock, still counts rows. (PostgreSQL's 0005 also widens its
-- indexes to match these of 0002.)
CREATE TABLE member_counts (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    signed_in       INTEGER NOT NULL,
    members         INTEGER NOT NULL,
    PRIMARY KEY (organization_id, role, status, signed_in)
) WITHOUT ROWID;

INSERT INTO member_counts (organization_id, role, status, signed_in, members)
SELECT organization_id, role, status, last_sign_in_at IS NOT NULL, COUNT(*)
FROM organization_members
GROUP BY 1, 2, 3, 4;

-- A new member is tallied as inserted, before 0002's copy of the user's
-- last sign-in, which then moves the tally as any update would. Both in one
-- trigger, because SQLite does not promise the order of two.
DROP TRIGGER organization_members_copy_user;
CREATE TRIGGER organization_members_copy_user
AFTER INSERT ON organization_members
BEGIN
    INSERT INTO member_counts (organization_id, role, status, signed_in, members)
    VALUES (NEW.organization_id, NEW.role, NEW.status, NEW.last_sign_in_at IS NOT NULL, 1)
    ON CONFLICT (organization_id, role, status, signed_in) DO UPDATE SET members = members + 1;
    UPDATE organization_members
    SET name_key = (SELECT lower(u.name) FROM users u WHERE u.id = NEW.user_id),
        email = (SELECT u.email FROM users u WHERE u.id = NEW.user_id),
        last_sign_in_at = (SELECT u.last_sign_in_at FROM users u WHERE u.id = NEW.user_id)
    WHERE organization_id = NEW.organization_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER member_counts_after_update
AFTER UPDATE OF organization_id, role, status, last_sign_in_at ON organization_members
WHEN OLD.organization_id IS NOT NEW.organization_id
  OR OLD.role IS NOT NEW.role
  OR OLD.status IS NOT NEW.status
  OR (OLD.last_sign_in_at IS NULL) IS NOT (NEW.last_sign_in_at IS NULL)
BEGIN
    UPDATE member_counts SET members = members - 1
    WHERE organization_id = OLD.organization_id AND role = OLD.role AND status = OLD.status
      AND signed_in = (OLD.last_sign_in_at IS NOT NULL);
    INSERT INTO member_counts (organization_id, role, status, signed_in, members)
    VALUES (NEW.organization_id, NEW.role, NEW.status, NEW.last_sign_in_at IS NOT NULL, 1)
    ON CONFLICT (organization_id, role, status, signed_in) DO UPDATE SET members = members + 1;
END;

-- Also when the user or the organization is deleted (ON DELETE CASCADE);
-- an organization's own tallies then go with it.
CREATE TRIGGER member_counts_after_delete
AFTER DELETE ON organization_members
BEGIN
    UPDATE member_counts SET members = members - 1
    WHERE organization_id = OLD.organization_id AND role = OLD.role AND status = OLD.status
      AND signed_in = (OLD.last_sign_in_at IS NOT NULL);
END;
