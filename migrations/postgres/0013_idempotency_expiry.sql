-- Idempotency answers are kept for a day, and a claim whose request never
-- answered (its server died) lapses after ten minutes: each claim first
-- drops the key's expired rows, found by this index.
--
-- Numbered after SCIM's migration (the same release); sqlx applies
-- migrations in order and allows gaps, so each branch applies on its own.

CREATE INDEX api_idempotency_by_age ON api_idempotency (api_key_id, created_at);
