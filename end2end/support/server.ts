/** Where the suite's Roster listens (a port unlikely to be taken). */
export const BASE_URL = 'http://127.0.0.1:3187';
