-- The members table sorts by status too (issue #24): active, invited,
-- suspended, as the words sort. Like every other sort order of 0005, it has
-- an index that carries every column the table filters or searches on, so a
-- page of 100,000 members by status is read from the index alone.
CREATE INDEX members_by_status ON organization_members (organization_id, status, user_id)
    INCLUDE (name_key, email, role, last_sign_in_at);
