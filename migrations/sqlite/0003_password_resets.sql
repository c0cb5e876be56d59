-- Rate-limit state lives in the database so a limit holds across every
-- server instance (DESIGN §4). One row per counted request; rows older than
-- the longest window are pruned as new ones arrive.
CREATE TABLE rate_limit_hits (
    bucket TEXT NOT NULL,
    at     TEXT NOT NULL
);

CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (bucket, at);

-- Finding a user's live reset links, to retire them when a new one is sent.
CREATE INDEX tokens_by_user_and_kind ON tokens (user_id, kind);
