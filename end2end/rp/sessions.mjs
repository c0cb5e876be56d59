// In-memory sessions, keyed by a random cookie. The RP is a test fixture:
// losing every session on restart is what the suite wants.
import { randomBytes } from 'node:crypto';

// Not "roster_session": cookies ignore ports, so Roster's cookie on the same
// host reaches the RP too, and the two must not collide.
const COOKIE = 'rp_session';

const sessions = new Map();

/** The caller's session, or null when it has none. */
export function find(request) {
  const id = cookies(request).get(COOKIE);
  return (id && sessions.get(id)) || null;
}

/** The caller's session, made (and its cookie set on `response`) when it has none. */
export function findOrCreate(request, response) {
  const existing = find(request);
  if (existing) return existing;
  const id = randomBytes(32).toString('base64url');
  const session = { id, pending: new Map(), signIn: null, endedByProvider: false, refresh: null, logoutState: null };
  sessions.set(id, session);
  response.setHeader('Set-Cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return session;
}

/**
 * Ends, as a back-channel logout asks (§2.7), every session of `issuer` with
 * the token's `sid`, or its `sub` when it names no `sid` (and both when it
 * names both). Returns how many.
 *
 * The tokens stay: a real app would drop them, but the suite presses
 * "Refresh tokens" afterwards to prove Roster refuses them too.
 */
export function endByLogoutToken(issuer, { sid, sub }) {
  let ended = 0;
  for (const session of sessions.values()) {
    const signIn = session.signIn;
    if (!signIn || signIn.issuer !== issuer || session.endedByProvider) continue;
    // With both, both must match: a sid names one session of one person.
    const sameSub = sub === undefined || signIn.claims.sub === sub;
    const sameSid = sid === undefined || signIn.claims.sid === sid;
    if (sameSub && sameSid) {
      session.endedByProvider = true;
      // An earlier outcome would read as if it came after the logout.
      session.refresh = null;
      ended += 1;
    }
  }
  return ended;
}

/** Forgets every session, for a new client registration. */
export function clear() {
  sessions.clear();
}

function cookies(request) {
  const jar = new Map();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) jar.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return jar;
}
