-- Substring search from an index (issue #23). A search of the members table
-- is a LIKE '%term%' on each member's name and email, which reads every
-- member of the organization (20-30 ms at 100,000). An FTS5 index of the
-- trigrams of every person's name and email finds the people whose name or
-- email may hold a term of three characters or more; the query still applies
-- its LIKE to them, so results are those of the scan. (Trigrams fold case as
-- Unicode does, LIKE only ASCII: the index may name a few people too many,
-- never too few.)
--
-- Over `users`, not `organization_members`, because its rowid is its
-- INTEGER PRIMARY KEY and stays put; a membership's implicit rowid may be
-- renumbered by VACUUM. The index holds no copy of the text (external
-- content) and is kept by the triggers below.
CREATE VIRTUAL TABLE user_search USING fts5 (
    name, email, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO user_search (user_search) VALUES ('rebuild');

CREATE TRIGGER user_search_after_insert
AFTER INSERT ON users
BEGIN
    INSERT INTO user_search (rowid, name, email) VALUES (NEW.id, NEW.name, NEW.email);
END;

CREATE TRIGGER user_search_after_update
AFTER UPDATE OF name, email ON users
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email
BEGIN
    INSERT INTO user_search (user_search, rowid, name, email) VALUES ('delete', OLD.id, OLD.name, OLD.email);
    INSERT INTO user_search (rowid, name, email) VALUES (NEW.id, NEW.name, NEW.email);
END;

CREATE TRIGGER user_search_after_delete
AFTER DELETE ON users
BEGIN
    INSERT INTO user_search (user_search, rowid, name, email) VALUES ('delete', OLD.id, OLD.name, OLD.email);
END;
