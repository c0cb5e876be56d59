-- Activity (issue #7): every sign-in attempt on an account, and the indexes
-- the audit log and the user timeline read by.

-- One row per attempt on a known account, successful or not. Attempts on
-- addresses with no account are not kept: there is nobody to show them to,
-- and the typed addresses would be personal data of strangers. The rows go
-- with the account (they are its sign-in history).
CREATE TABLE sign_in_attempts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('succeeded', 'wrong_password', 'no_password', 'suspended', 'rate_limited')),
    ip         TEXT,
    user_agent TEXT
);

CREATE INDEX sign_in_attempts_by_user_time ON sign_in_attempts (user_id, at);

-- The sign-ins made before this table existed are the sessions.
INSERT INTO sign_in_attempts (user_id, at, outcome, ip, user_agent)
SELECT user_id, created_at, 'succeeded', ip, user_agent FROM sessions ORDER BY id;

-- The global audit log pages by time; the timeline of one person reads the
-- events they made or were the target of, newest first.
CREATE INDEX audit_events_by_time ON audit_events (at, id);
DROP INDEX audit_events_by_actor;
DROP INDEX audit_events_by_target;
CREATE INDEX audit_events_by_actor ON audit_events (actor_user_id, at, id);
CREATE INDEX audit_events_by_target ON audit_events (target_user_id, at, id);
