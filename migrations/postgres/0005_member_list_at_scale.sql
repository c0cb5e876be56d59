-- A search on name and email reads both for every row it passes; the
-- sort-order indexes of 0002 held one of them, so a search that walks a
-- sort index to fill a page visited the table for each member (30,000 table
-- reads to find 25 rare matches among 100,000). Each index now carries every
-- column the members table filters or searches on, as SQLite's already do,
-- so a page and a count are answered from one index alone.

DROP INDEX members_by_name;
DROP INDEX members_by_email;
DROP INDEX members_by_role;
DROP INDEX members_by_joined;
DROP INDEX members_by_last_sign_in;

CREATE INDEX members_by_name ON organization_members (organization_id, name_key, user_id)
    INCLUDE (email, role, status, last_sign_in_at);
CREATE INDEX members_by_email ON organization_members (organization_id, email, user_id)
    INCLUDE (name_key, role, status, last_sign_in_at);
CREATE INDEX members_by_role ON organization_members (organization_id, role, user_id)
    INCLUDE (name_key, email, status, last_sign_in_at);
CREATE INDEX members_by_joined ON organization_members (organization_id, joined_at NULLS FIRST, user_id)
    INCLUDE (name_key, email, role, status, last_sign_in_at);
CREATE INDEX members_by_last_sign_in ON organization_members (organization_id, last_sign_in_at NULLS FIRST, user_id)
    INCLUDE (name_key, email, role, status);

-- Counting 100,000 rows costs 10–20 ms however they are read, and the
-- members table shows a total under every page. So each organization's
-- members are also kept tallied by role, status and whether they ever signed
-- in: the total of an unsearched view (filters on role, status, never signed
-- in) is a sum of a few of these rows. A search, or a date cutoff that moves
-- with the clock, still counts rows.
CREATE TABLE member_counts (
    organization_id BIGINT  NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    signed_in       BOOLEAN NOT NULL,
    members         BIGINT  NOT NULL,
    PRIMARY KEY (organization_id, role, status, signed_in)
);

INSERT INTO member_counts (organization_id, role, status, signed_in, members)
SELECT organization_id, role, status, last_sign_in_at IS NOT NULL, COUNT(*)
FROM organization_members
GROUP BY 1, 2, 3, 4;

-- The tallies follow every statement on organization_members, the copies of
-- 0002 included. Once per statement, from its transition tables: a bulk load
-- or a cascade adds its groups once, not once per row, and the rows are
-- locked in key order, so two transactions never wait on each other's
-- tallies in opposite orders. An update that moves no member between groups
-- (a sign-in after the first, a rename) writes nothing. The tallies of an
-- organization being deleted go with it (ON DELETE CASCADE), so its members'
-- removal is not counted.
CREATE TYPE member_count_change AS (
    organization_id BIGINT, role TEXT, status TEXT, signed_in BOOLEAN, delta BIGINT
);

CREATE FUNCTION member_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes member_count_change[] := '{}';
BEGIN
    -- Each trigger below names only the transition tables its event has; a
    -- branch that reads the other is never run, so never planned.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        changes := changes || ARRAY(
            SELECT (organization_id, role, status, last_sign_in_at IS NOT NULL, 1)::member_count_change
            FROM new_rows);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        changes := changes || ARRAY(
            SELECT (organization_id, role, status, last_sign_in_at IS NOT NULL, -1)::member_count_change
            FROM old_rows);
    END IF;
    INSERT INTO member_counts AS c (organization_id, role, status, signed_in, members)
    SELECT change.organization_id, change.role, change.status, change.signed_in, SUM(change.delta)
    FROM unnest(changes) AS change
    WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = change.organization_id)
    GROUP BY 1, 2, 3, 4
    HAVING SUM(change.delta) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, role, status, signed_in) DO UPDATE SET members = c.members + EXCLUDED.members;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_counts_after_insert
    AFTER INSERT ON organization_members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_follow();
CREATE TRIGGER member_counts_after_delete
    AFTER DELETE ON organization_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_follow();
CREATE TRIGGER member_counts_after_update
    AFTER UPDATE ON organization_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_follow();
