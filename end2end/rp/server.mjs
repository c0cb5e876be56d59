// A relying party for the end-to-end suite: a small app that signs people in
// through Roster with openid-client, as an operator's app would. See README.md.
//
//   RP_PORT=3100 RP_BASE_URL=http://127.0.0.1:3100 node rp/server.mjs
import { createServer } from 'node:http';

import * as client from 'openid-client';

import { verifyLogoutToken, InvalidLogoutToken } from './logout-token.mjs';
import * as pages from './pages.mjs';
import { ConfigurationError, configure, describe, provider } from './provider.mjs';
import * as sessions from './sessions.mjs';

const port = Number(process.env.RP_PORT ?? 3100);
const baseUrl = new URL(process.env.RP_BASE_URL ?? `http://127.0.0.1:${port}`);
const redirectUri = new URL('/callback', baseUrl).href;
const postLogoutRedirectUri = new URL('/signed-out', baseUrl).href;
const SCOPE = 'openid profile email offline_access organization';
const MAX_BODY = 64 * 1024;

/** Back-channel logouts received and accepted, oldest first, for GET /logouts.json. */
const logouts = [];

const routes = {
  'GET /': showHome,
  'GET /healthz': health,
  'POST /configure': configureClient,
  'GET /login': startSignIn,
  'GET /callback': finishSignIn,
  'POST /refresh': refresh,
  'POST /logout': signOut,
  'GET /signed-out': signedOut,
  'POST /backchannel-logout': backchannelLogout,
  'GET /logouts.json': listLogouts,
};

const server = createServer(async (request, response) => {
  const url = new URL(request.url, baseUrl);
  const route = routes[`${request.method} ${url.pathname}`];
  try {
    if (!route) return send(response, 404, 'text/plain', 'Not found\n');
    await route(request, response, url);
  } catch (error) {
    if (error instanceof ConfigurationError) return send(response, 503, 'text/plain', `${error.message}\n`);
    console.error(`rp: ${request.method} ${url.pathname}:`, error);
    if (!response.headersSent) send(response, 500, 'text/plain', 'Internal error\n');
    else response.end();
  }
});
server.listen(port, '127.0.0.1', () => console.log(`rp: listening on ${baseUrl.origin}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));

function showHome(request, response) {
  sendHtml(response, 200, pages.home(sessions.find(request)));
}

function health(_request, response) {
  sendJson(response, 200, { ok: true, registration: describe() });
}

/**
 * The suite registers the app in Roster's UI, which shows the client secret
 * once, then hands the credentials here. Only from this machine.
 */
async function configureClient(request, response) {
  if (!fromLoopback(request)) return sendJson(response, 403, { error: 'only from localhost' });
  let input;
  try {
    input = JSON.parse(await readBody(request));
  } catch {
    return sendJson(response, 400, { error: 'the body must be JSON {issuer, client_id, client_secret}' });
  }
  // Sessions belong to the previous client; its tokens mean nothing now.
  sessions.clear();
  try {
    sendJson(response, 200, { registration: await configure(input) });
  } catch (error) {
    if (error instanceof ConfigurationError) return sendJson(response, 400, { error: error.message });
    // Stored anyway: discovery is tried again at the next sign-in.
    sendJson(response, 502, { error: `discovery failed: ${error.message}` });
  }
}

/** GET /login?organization=<slug>&prompt=<p>: off to Roster's authorization endpoint. */
async function startSignIn(request, response, url) {
  const { config } = await provider();
  const session = sessions.findOrCreate(request, response);
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters = {
    redirect_uri: redirectUri,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  };
  for (const name of ['organization', 'prompt', 'login_hint', 'max_age']) {
    const value = url.searchParams.get(name);
    if (value !== null) parameters[name] = value;
  }
  const maxAge = parameters.max_age === undefined ? undefined : Number(parameters.max_age);
  // Several sign-ins may be under way in one browser (two tabs); each
  // callback finds its own by state.
  session.pending.set(state, { codeVerifier, nonce, maxAge });
  redirect(response, client.buildAuthorizationUrl(config, parameters).href);
}

/** GET /callback: Roster's answer, a code to redeem or an error to show. */
async function finishSignIn(request, response, url) {
  const session = sessions.find(request);
  const state = url.searchParams.get('state');
  const pending = state !== null ? session?.pending.get(state) : undefined;
  if (!pending) {
    const error = url.searchParams.get('error');
    if (error) return sendHtml(response, 400, pages.failed(`Roster answered ${error} to no sign-in of this browser`));
    return sendHtml(response, 400, pages.failed('No sign-in of this browser is waiting for this answer.'));
  }
  session.pending.delete(state);
  const { config, issuer } = await provider();
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      maxAge: pending.maxAge,
      idTokenExpected: true,
    });
  } catch (error) {
    if (error instanceof client.AuthorizationResponseError) {
      return sendHtml(response, 200, pages.refused(error.error, error.error_description));
    }
    return sendHtml(response, 502, pages.failed(describeError(error)));
  }
  session.signIn = {
    issuer,
    claims: tokens.claims(),
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
  session.endedByProvider = false;
  session.refresh = null;
  redirect(response, '/');
}

/** POST /refresh: the refresh token grant, its outcome shown on /. */
async function refresh(request, response) {
  if (!sameOrigin(request)) return send(response, 403, 'text/plain', 'Cross-site request refused\n');
  const session = sessions.find(request);
  const signIn = session?.signIn;
  if (!signIn?.refreshToken) return redirect(response, '/');
  const { config } = await provider();
  try {
    const tokens = await client.refreshTokenGrant(config, signIn.refreshToken);
    const claims = tokens.claims();
    const mismatch = claims && changedAuthentication(signIn.claims, claims);
    if (mismatch) {
      session.refresh = { ok: false, error: 'ID token of another sign-in', description: mismatch };
      return redirect(response, '/');
    }
    if (claims) {
      signIn.claims = claims;
      signIn.idToken = tokens.id_token;
    }
    signIn.accessToken = tokens.access_token;
    // Roster rotates refresh tokens on every use.
    if (tokens.refresh_token) signIn.refreshToken = tokens.refresh_token;
    session.refresh = { ok: true };
  } catch (error) {
    session.refresh =
      error instanceof client.ResponseBodyError
        ? { ok: false, error: error.error, description: error.error_description }
        : { ok: false, error: describeError(error) };
  }
  redirect(response, '/');
}

/**
 * Why an ID token from a refresh does not describe the same authentication as
 * the first one (OIDC Core §12.2), or null when it does. openid-client checks
 * the signature, issuer, audience and times; it cannot know the first token.
 */
function changedAuthentication(first, fresh) {
  for (const claim of ['iss', 'sub', 'auth_time', 'azp']) {
    if (first[claim] !== fresh[claim]) {
      return `${claim} changed from ${JSON.stringify(first[claim])} to ${JSON.stringify(fresh[claim])}`;
    }
  }
  return null;
}

/** POST /logout: sign out here, then at Roster (RP-initiated logout). */
async function signOut(request, response) {
  if (!sameOrigin(request)) return send(response, 403, 'text/plain', 'Cross-site request refused\n');
  const session = sessions.find(request);
  const idToken = session?.signIn?.idToken;
  if (!session || !idToken) return redirect(response, '/signed-out');
  const { config } = await provider();
  const state = client.randomState();
  session.signIn = null;
  session.endedByProvider = false;
  session.refresh = null;
  session.logoutState = state;
  redirect(
    response,
    client.buildEndSessionUrl(config, {
      id_token_hint: idToken,
      post_logout_redirect_uri: postLogoutRedirectUri,
      state,
    }).href,
  );
}

function signedOut(request, response, url) {
  const session = sessions.find(request);
  const state = url.searchParams.get('state');
  const matched = Boolean(session?.logoutState) && state === session.logoutState;
  if (session) session.logoutState = null;
  sendHtml(response, 200, pages.signedOut(matched));
}

/**
 * POST /backchannel-logout (Back-Channel Logout 1.0 §2.5, §2.8): Roster's
 * server tells us a session ended. 200 when done, 400 when the token fails
 * validation, never cached.
 */
async function backchannelLogout(request, response) {
  response.setHeader('Cache-Control', 'no-store');
  const type = request.headers['content-type'] ?? '';
  let body;
  try {
    body = await readBody(request);
  } catch {
    return sendJson(response, 400, { error: 'invalid_request', error_description: 'body too large' });
  }
  const form = new URLSearchParams(body);
  const tokens = form.getAll('logout_token');
  if (!type.startsWith('application/x-www-form-urlencoded') || tokens.length !== 1) {
    return sendJson(response, 400, {
      error: 'invalid_request',
      error_description: 'expected one logout_token, form-encoded',
    });
  }
  let known;
  try {
    known = await provider();
  } catch (error) {
    return sendJson(response, 400, { error: 'invalid_request', error_description: describeError(error) });
  }
  let claims;
  try {
    claims = await verifyLogoutToken(tokens[0], known);
  } catch (error) {
    if (!(error instanceof InvalidLogoutToken)) throw error;
    console.error(`rp: refused a logout token: ${error.message}`);
    return sendJson(response, 400, { error: 'invalid_request', error_description: error.message });
  }
  const ended = sessions.endByLogoutToken(known.issuer, claims);
  logouts.push({ ...claims, sessions_ended: ended, received_at: new Date().toISOString() });
  send(response, 200, 'text/plain', '');
}

function listLogouts(_request, response) {
  sendJson(response, 200, logouts);
}

function fromLoopback(request) {
  return ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(request.socket.remoteAddress);
}

// The RP's own forms post from its own pages; a browser marks anything else.
function sameOrigin(request) {
  const origin = request.headers.origin;
  if (origin !== undefined) return origin === baseUrl.origin;
  return request.headers['sec-fetch-site'] !== 'cross-site';
}

function describeError(error) {
  if (error instanceof client.ResponseBodyError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  }
  return error?.cause?.message ? `${error.message} (${error.cause.message})` : String(error?.message ?? error);
}

async function readBody(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function redirect(response, location) {
  response.writeHead(303, { Location: location });
  response.end();
}

function sendHtml(response, status, html) {
  send(response, status, 'text/html; charset=utf-8', html);
}

function sendJson(response, status, value) {
  send(response, status, 'application/json', `${JSON.stringify(value)}\n`);
}

function send(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type });
  response.end(body);
}
