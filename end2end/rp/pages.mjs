// The RP's pages: plain HTML with headings, labelled terms and named buttons,
// so the suite finds everything by role, as a screen reader would.

export function page(title, body) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)} · Test app</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** GET /: who is signed in, with the claims Roster sent, or that nobody is. */
export function home(session) {
  const signIn = session?.signIn;
  if (!signIn || session.endedByProvider) {
    const heading = session?.endedByProvider ? 'Signed out by Roster' : 'Signed out';
    return page(heading, `<h1>${heading}</h1>
${signInLink()}
${session?.endedByProvider && signIn.refreshToken ? refreshForm() : ''}
${refreshOutcome(session)}`);
  }
  const claims = signIn.claims;
  const name = claims.name ?? claims.preferred_username ?? claims.email ?? claims.sub;
  const heading = `Signed in as ${name}`;
  return page(heading, `<h1>${escape(heading)}</h1>
<table>
<caption>Claims from Roster</caption>
<tbody>
${claim('Email', claims.email)}
${claim('Organization', claims.org_name)}
${claim('Organization slug', claims.org_slug)}
${claim('Organization ID', claims.org_id)}
${claim('Role', claims.org_role)}
${claim('Subject', claims.sub)}
${claim('Session ID', claims.sid)}
</tbody>
</table>
${signIn.refreshToken ? refreshForm() : '<p>No refresh token.</p>'}
${refreshOutcome(session)}
<form method="post" action="/logout"><button type="submit">Sign out</button></form>
${signInLink('Sign in again')}`);
}

// A table with row headers rather than a <dl>: ARIA forbids naming a term or
// a definition, so only a row header lets the suite find a value by its label
// (rpClaim in support/rp.ts).
function claim(label, value) {
  const shown = value === undefined || value === null ? 'none' : String(value);
  return `<tr><th scope="row">${label}</th><td>${escape(shown)}</td></tr>`;
}

function signInLink(label = 'Sign in') {
  return `<p><a href="/login">${label}</a></p>`;
}

function refreshForm() {
  return '<form method="post" action="/refresh"><button type="submit">Refresh tokens</button></form>';
}

function refreshOutcome(session) {
  const refresh = session?.refresh;
  if (!refresh) return '';
  if (refresh.ok) return '<p role="status">Refresh succeeded</p>';
  const description = refresh.description ? `\n<p>${escape(refresh.description)}</p>` : '';
  return `<p role="status">Refresh failed: ${escape(refresh.error)}</p>${description}`;
}

/** GET /callback when Roster answered with an error (RFC 6749 §4.1.2.1). */
export function refused(error, description) {
  const heading = `Sign-in refused: ${error}`;
  return page(heading, `<h1>${escape(heading)}</h1>
${description ? `<p>${escape(description)}</p>` : ''}
${signInLink('Try again')}`);
}

/** GET /callback when the RP itself could not complete the sign-in. */
export function failed(reason) {
  return page('Sign-in failed', `<h1>Sign-in failed</h1>
<p>${escape(reason)}</p>
${signInLink('Try again')}`);
}

/** GET /signed-out, where Roster's end_session_endpoint sends the browser back. */
export function signedOut(stateMatched) {
  const note = stateMatched ? 'Roster confirmed the sign-out.' : 'Roster sent back an unexpected state.';
  return page('Signed out', `<h1>Signed out</h1>
<p>${note}</p>
${signInLink()}`);
}

export function escape(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}
