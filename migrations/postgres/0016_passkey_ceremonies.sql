-- Passkeys (issue #22): a ceremony row says what it is for, so a token
-- handed out to register a passkey can never stand in for the second step
-- of a sign-in, nor the reverse.
--   second_step           a password accepted, the second step to come
--   passkey_registration  a signed-in person adding a passkey
--   passkey_sign_in       a sign-in with a passkey alone, person unknown yet
--   passkey_confirmation  a signed-in person confirming a sensitive change
ALTER TABLE sign_in_challenges ADD COLUMN purpose TEXT NOT NULL DEFAULT 'second_step'
    CHECK (purpose IN ('second_step', 'passkey_registration', 'passkey_sign_in', 'passkey_confirmation'));
