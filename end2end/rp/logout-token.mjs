// Validation of a back-channel logout token, step by step as OpenID Connect
// Back-Channel Logout 1.0 §2.6 lists it.
import { errors, jwtVerify } from 'jose';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * The verified claims of `token`, or an InvalidLogoutToken saying why not.
 * `provider` is what provider.mjs discovered: issuer, client id, key set and
 * ID token algorithms.
 */
export async function verifyLogoutToken(token, provider) {
  let verified;
  try {
    // Steps 2 and 3: signed with the provider's ID token keys (never "none"),
    // iss is the issuer, aud holds our client_id, iat is recent and not in
    // the future. exp and jti are REQUIRED claims (§2.4); typ is the explicit
    // type §2.4 recommends, so that no other JWT of Roster's passes for one.
    verified = await jwtVerify(token, provider.jwks, {
      issuer: provider.issuer,
      audience: provider.clientId,
      algorithms: provider.algorithms,
      typ: 'logout+jwt',
      maxTokenAge: '10 minutes',
      clockTolerance: 30,
      requiredClaims: ['iat', 'exp', 'jti', 'events'],
    });
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InvalidLogoutToken(error.message);
    throw error;
  }
  const claims = verified.payload;
  // Step 4: who to sign out.
  const sub = optionalString(claims, 'sub');
  const sid = optionalString(claims, 'sid');
  if (sub === undefined && sid === undefined) throw new InvalidLogoutToken('neither sub nor sid');
  // Step 5: this JWT declares itself a logout token.
  const events = claims.events;
  if (!isObject(events) || !isObject(events[LOGOUT_EVENT])) {
    throw new InvalidLogoutToken(`events has no ${LOGOUT_EVENT} object`);
  }
  // Step 6: a nonce would let an ID token pass for a logout token, or back.
  if ('nonce' in claims) throw new InvalidLogoutToken('a logout token must not carry a nonce');
  return { sub, sid, jti: claims.jti, iat: claims.iat, typ: verified.protectedHeader.typ };
}

function optionalString(claims, name) {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new InvalidLogoutToken(`${name} is not a string`);
  return value;
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class InvalidLogoutToken extends Error {}
