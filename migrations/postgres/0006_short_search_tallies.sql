-- A search of one or two letters ("a", "an") is as common as any in a
-- members table that filters while one types, and no index narrows it:
-- trigrams need three letters, and "an" matches a third of all names. Its
-- total read every name and email of the organization, 15–25 ms at 100,000
-- members, the slowest request of the list. So each organization's members
-- are also tallied, as 0005 tallies them by role, status and whether they
-- ever signed in, by each one- and two-letter fragment of their name and
-- email: the total of a short search is a sum of a few rows. (SQLite counts
-- such a search within its budget and keeps no such tallies.)

-- The distinct one- and two-character fragments of a lower-cased name and
-- an email: exactly the searches of one or two characters that
-- `name_key LIKE '%…%' OR email LIKE '%…%'` would match.
CREATE FUNCTION member_search_fragments(name_key TEXT, email TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT substr(t, i, n)
        FROM unnest(ARRAY[name_key, email]) AS t,
             generate_series(1, 2) AS n,
             generate_series(1, char_length(t) - n + 1) AS i
    )
$$;

CREATE TABLE member_fragment_counts (
    organization_id BIGINT  NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    fragment        TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    signed_in       BOOLEAN NOT NULL,
    members         BIGINT  NOT NULL,
    PRIMARY KEY (organization_id, fragment, role, status, signed_in)
);

INSERT INTO member_fragment_counts (organization_id, fragment, role, status, signed_in, members)
SELECT organization_id, fragment, role, status, last_sign_in_at IS NOT NULL, COUNT(*)
FROM organization_members, unnest(member_search_fragments(name_key, email)) AS fragment
GROUP BY 1, 2, 3, 4, 5;

-- Kept as 0005 keeps its tallies: once per statement, from its transition
-- tables, in key order. An update counts only the members it changed in a
-- way a tally sees (name, email, role, status, ever signed in): a sign-in
-- updates every membership of the user, and costs a comparison, not two
-- sets of fragments.
CREATE TYPE member_fragment_change AS (
    organization_id BIGINT, fragment TEXT, role TEXT, status TEXT, signed_in BOOLEAN, delta BIGINT
);

CREATE FUNCTION member_fragment_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changes member_fragment_change[] := '{}';
BEGIN
    -- As in 0005, each branch reads only the transition tables its event has.
    IF TG_OP = 'INSERT' THEN
        changes := ARRAY(
            SELECT (organization_id, fragment, role, status, last_sign_in_at IS NOT NULL, 1)::member_fragment_change
            FROM new_rows, unnest(member_search_fragments(name_key, email)) AS fragment);
    ELSIF TG_OP = 'DELETE' THEN
        changes := ARRAY(
            SELECT (organization_id, fragment, role, status, last_sign_in_at IS NOT NULL, -1)::member_fragment_change
            FROM old_rows, unnest(member_search_fragments(name_key, email)) AS fragment
            -- An organization being deleted takes its tallies with it:
            -- its members' fragments are not worth working out.
            WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = old_rows.organization_id));
    ELSE
        changes := ARRAY(
            SELECT (o.organization_id, fragment, o.role, o.status, o.last_sign_in_at IS NOT NULL, -1)::member_fragment_change
            FROM old_rows o, unnest(member_search_fragments(o.name_key, o.email)) AS fragment
            WHERE NOT EXISTS (
                SELECT 1 FROM new_rows n
                WHERE n.organization_id = o.organization_id AND n.user_id = o.user_id
                  AND (n.name_key, n.email, n.role, n.status, n.last_sign_in_at IS NULL)
                      IS NOT DISTINCT FROM (o.name_key, o.email, o.role, o.status, o.last_sign_in_at IS NULL))
            UNION ALL
            SELECT (n.organization_id, fragment, n.role, n.status, n.last_sign_in_at IS NOT NULL, 1)::member_fragment_change
            FROM new_rows n, unnest(member_search_fragments(n.name_key, n.email)) AS fragment
            WHERE NOT EXISTS (
                SELECT 1 FROM old_rows o
                WHERE o.organization_id = n.organization_id AND o.user_id = n.user_id
                  AND (o.name_key, o.email, o.role, o.status, o.last_sign_in_at IS NULL)
                      IS NOT DISTINCT FROM (n.name_key, n.email, n.role, n.status, n.last_sign_in_at IS NULL)));
    END IF;
    INSERT INTO member_fragment_counts AS c (organization_id, fragment, role, status, signed_in, members)
    SELECT change.organization_id, change.fragment, change.role, change.status, change.signed_in, SUM(change.delta)
    FROM unnest(changes) AS change
    WHERE EXISTS (SELECT 1 FROM organizations o WHERE o.id = change.organization_id)
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(change.delta) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (organization_id, fragment, role, status, signed_in)
        DO UPDATE SET members = c.members + EXCLUDED.members;
    RETURN NULL;
END
$$;

CREATE TRIGGER member_fragment_counts_after_insert
    AFTER INSERT ON organization_members REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_fragment_counts_follow();
CREATE TRIGGER member_fragment_counts_after_delete
    AFTER DELETE ON organization_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_fragment_counts_follow();
CREATE TRIGGER member_fragment_counts_after_update
    AFTER UPDATE ON organization_members REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_fragment_counts_follow();
