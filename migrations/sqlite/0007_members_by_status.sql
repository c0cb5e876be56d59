-- The members table sorts by status too (issue #24): active, invited,
-- suspended, as the words sort. Like every other sort order of 0005, it has
-- an index scanned forwards or backwards that also answers the filters, the
-- search and the count, so a page of 100,000 members by status is read from
-- the index alone.
CREATE INDEX members_by_status
    ON organization_members (organization_id, status, user_id, role, last_sign_in_at, name_key, email);
