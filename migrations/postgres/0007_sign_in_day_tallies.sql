-- "Inactive for more than 90 days" is a cutoff that moves with the clock, so
-- the tallies of 0005 cannot answer it, and its total counted every member
-- who signed in before the cutoff: 40,000 index entries of a 100,000-member
-- organization, 15–30 ms, the slowest unsearched view. So members are also
-- tallied by the day (UTC) of their last sign-in. Those who signed in before
-- a cutoff are those who ever signed in (0005), less those whose last
-- sign-in day is the cutoff's day or later (a sum over the few days since
-- the cutoff), plus those of the cutoff's own day who signed in before its
-- hour (counted from the index, one day's worth of rows).
CREATE TABLE member_sign_in_days (
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day             DATE   NOT NULL,
    role            TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    members         BIGINT NOT NULL,
    PRIMARY KEY (organization_id, day, role, status)
);

INSERT INTO member_sign_in_days (organization_id, day, role, status, members)
SELECT organization_id, (last_sign_in_at AT TIME ZONE 'UTC')::date, role, status, COUNT(*)
FROM organization_members
WHERE last_sign_in_at IS NOT NULL
GROUP BY 1, 2, 3, 4;

-- Kept as 0005 keeps its tallies: once per statement, from its transition
-- tables, in key order. A sign-in on the day of the member's previous one
-- moves nothing and writes nothing; one on a later day moves the member
-- from that day's tally to today's.
CREATE TYPE member_sign_in_day_change AS (
    organization_id BIGINT, day DATE, role TEXT, status TEXT, delta BIGINT
);

CREATE FUNCTION member_sign_in_days_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes member_sign_in_day_change[] := '{}';
BEGIN
    -- As in 0005, each branch reads only the transition tables its event has.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        changes := changes || ARRAY(
            SELECT (organization_id, (last_sign_in_at AT TIME ZONE 'UTC')::date, role, status, 1)::member_sign_in_day_change
            FROM new_rows
            WHERE last_sign_in_at IS NOT NULL);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        changes := changes || ARRAY(
            SELECT (organization_id, (last_sign_in_at AT TIME ZONE 'UTC')::date, role, status, -1)::member_sign_in_day_change
            FROM old_rows
            WHERE last_sign_in_at IS NOT NULL);
    END IF;
    INSERT INTO member_sign_in_days AS d (organization_id, day, role, status, members)
    SELECT change.organization_id, change.day, change.role, change.status, SUM(change.delta)
    FROM unnest(changes) AS change
    -- An organization being deleted takes its tallies with it.
    WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = change.organization_id)
    GROUP BY 1, 2, 3, 4
    HAVING SUM(change.delta) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (organization_id, day, role, status) DO UPDATE SET members = d.members + EXCLUDED.members;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_sign_in_days_after_insert
    AFTER INSERT ON organization_members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_sign_in_days_follow();
CREATE TRIGGER member_sign_in_days_after_delete
    AFTER DELETE ON organization_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_sign_in_days_follow();
CREATE TRIGGER member_sign_in_days_after_update
    AFTER UPDATE ON organization_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_sign_in_days_follow();
