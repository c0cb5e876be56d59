/**
 * Where the suite's Roster is reached (a port unlikely to be taken). At
 * `localhost`, not 127.0.0.1: browsers refuse passkeys at an IP address,
 * and `localhost` is a secure context without TLS.
 */
export const BASE_URL = 'http://localhost:3187';

/** Where it listens. */
export const LISTEN_ADDR = '127.0.0.1:3187';
