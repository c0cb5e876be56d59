// The browser's half of Roster's passkey ceremonies (WebAuthn).
//
// A form that can use a passkey holds a button `data-passkey="<start URL>"`
// and `data-ceremony="create"` (adding a passkey) or `"get"` (signing in),
// a hidden input `credential` (and `challenge`, where the ceremony is not
// the pending sign-in's), and an element
// `[data-passkey-error]` for what went wrong. The button asks the server
// for the ceremony's options, hands them to the browser's own passkey
// prompt, writes the answer into the form as JSON and submits the form:
// the server function that receives it checks everything.
//
// A plain script, not part of the WebAssembly bundle: it listens on the
// document, so it works on a page before hydration and after any re-render.
(() => {
  'use strict';

  const toBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, '=');
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };

  const toText = (buffer) => {
    let binary = '';
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };

  const withIds = (list) => (list || []).map((credential) => ({ ...credential, id: toBytes(credential.id) }));

  const creationOptions = ({ publicKey }) => ({
    publicKey: {
      ...publicKey,
      challenge: toBytes(publicKey.challenge),
      user: { ...publicKey.user, id: toBytes(publicKey.user.id) },
      excludeCredentials: withIds(publicKey.excludeCredentials),
    },
  });

  const requestOptions = ({ publicKey, mediation }) => ({
    publicKey: {
      ...publicKey,
      challenge: toBytes(publicKey.challenge),
      allowCredentials: withIds(publicKey.allowCredentials),
    },
    ...(mediation ? { mediation } : {}),
  });

  const created = (credential) => ({
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      attestationObject: toText(credential.response.attestationObject),
      clientDataJSON: toText(credential.response.clientDataJSON),
      transports: credential.response.getTransports ? credential.response.getTransports() : undefined,
    },
    extensions: credential.getClientExtensionResults(),
  });

  const asserted = (credential) => ({
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      authenticatorData: toText(credential.response.authenticatorData),
      clientDataJSON: toText(credential.response.clientDataJSON),
      signature: toText(credential.response.signature),
      userHandle: credential.response.userHandle ? toText(credential.response.userHandle) : null,
    },
    extensions: credential.getClientExtensionResults(),
  });

  // What a person can do about each way the browser's prompt can fail.
  const explain = (error) => {
    switch (error && error.name) {
      case 'NotAllowedError':
        return 'The passkey prompt was closed or timed out. Try again when you are ready.';
      case 'InvalidStateError':
        return 'This device already holds a passkey for your account.';
      case 'SecurityError':
        return 'Passkeys do not work at this address. Ask your operator to serve Roster at its domain name.';
      case 'NotSupportedError':
        return 'This browser or device cannot use passkeys.';
      default:
        return (error && error.message) || 'Something went wrong with the passkey. Try again.';
    }
  };

  const start = async (url) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: '',
      credentials: 'same-origin',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.message || 'Roster could not start the passkey prompt. Try again.');
    return body;
  };

  const show = (form, message) => {
    const alert = form.querySelector('[data-passkey-error]');
    if (alert) alert.textContent = message;
  };

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-passkey]') : null;
    if (!button) return;
    event.preventDefault();
    const form = button.closest('form');
    if (!form || button.getAttribute('aria-busy') === 'true') return;
    show(form, '');
    if (!window.PublicKeyCredential || !navigator.credentials) {
      show(form, 'This browser cannot use passkeys.');
      return;
    }
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
    try {
      const prompt = await start(button.dataset.passkey);
      const creating = button.dataset.ceremony === 'create';
      const credential = creating
        ? await navigator.credentials.create(creationOptions(prompt.options))
        : await navigator.credentials.get(requestOptions(prompt.options));
      if (!credential) throw new Error('No passkey was chosen.');
      if (form.elements.challenge) form.elements.challenge.value = prompt.challenge;
      form.elements.credential.value = JSON.stringify(creating ? created(credential) : asserted(credential));
      form.requestSubmit();
    } catch (error) {
      show(form, explain(error));
    } finally {
      button.removeAttribute('aria-busy');
      button.disabled = false;
    }
  });
})();
