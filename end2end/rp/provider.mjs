// The RP's one registration at the provider: issuer and client credentials,
// from the environment at start or from POST /configure once the suite has
// registered the app in Roster's UI. Discovery is lazy, because the RP starts
// before Roster has an app for it (and may start before Roster itself).
import * as client from 'openid-client';
import { createRemoteJWKSet } from 'jose';

let registration = fromEnvironment();
let discovered = null;

function fromEnvironment() {
  const { RP_ISSUER: issuer, RP_CLIENT_ID: client_id, RP_CLIENT_SECRET: client_secret } = process.env;
  return issuer && client_id && client_secret ? { issuer, client_id, client_secret } : null;
}

/** Who the RP is registered with, for pages and /healthz; never the secret. */
export function describe() {
  return registration ? { issuer: registration.issuer, client_id: registration.client_id } : null;
}

/**
 * Replaces the registration and discovers the provider at once, so a test
 * hears about a wrong issuer from /configure rather than from a later sign-in.
 */
export async function configure(input) {
  const next = parseRegistration(input);
  registration = next;
  discovered = null;
  await provider();
  return describe();
}

function parseRegistration(input) {
  const fields = ['issuer', 'client_id', 'client_secret'];
  for (const field of fields) {
    if (typeof input?.[field] !== 'string' || input[field] === '') {
      throw new ConfigurationError(`${field} must be a non-empty string`);
    }
  }
  insecureAllowed(input.issuer);
  return { issuer: input.issuer, client_id: input.client_id, client_secret: input.client_secret };
}

/**
 * openid-client refuses plain http, rightly. The suite's Roster serves http on
 * the loopback interface only, so http is allowed there and nowhere else.
 */
function insecureAllowed(issuer) {
  let url;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigurationError('issuer must be a URL');
  }
  if (url.protocol === 'https:') return false;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return true;
  throw new ConfigurationError('issuer must be https, or http on the loopback interface');
}

/**
 * The openid-client Configuration and the provider's key set, discovered once
 * per registration.
 */
export async function provider() {
  if (!registration) throw new ConfigurationError('the RP has no client registration yet (POST /configure)');
  if (!discovered) {
    const { issuer, client_id, client_secret } = registration;
    const options = insecureAllowed(issuer) ? { execute: [client.allowInsecureRequests] } : undefined;
    const config = await client.discovery(
      new URL(issuer),
      client_id,
      undefined,
      client.ClientSecretBasic(client_secret),
      options,
    );
    const metadata = config.serverMetadata();
    discovered = {
      config,
      issuer: metadata.issuer,
      clientId: client_id,
      jwks: createRemoteJWKSet(new URL(metadata.jwks_uri)),
      // Logout tokens are signed with the keys and algorithms of ID tokens (§2.4).
      algorithms: metadata.id_token_signing_alg_values_supported ?? ['RS256'],
    };
  }
  return discovered;
}

export class ConfigurationError extends Error {}
