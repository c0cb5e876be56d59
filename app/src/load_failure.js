// Inlined in every page's head, before the hydration script: if the bundle
// cannot be downloaded or started, the page still shows what the server
// sent, and this says so instead of leaving buttons that do nothing.
addEventListener('unhandledrejection', () => {
  const root = document.documentElement;
  if (root.hasAttribute('data-hydrated') || document.getElementById('load-failure')) return;
  const alert = document.createElement('p');
  alert.id = 'load-failure';
  alert.className = 'load-failure';
  alert.setAttribute('role', 'alert');
  alert.textContent =
    'This page could not finish loading: what you see is readable, but its controls may not respond. Reload the page to try again.';
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => location.reload());
  alert.append(' ', reload);
  document.body.prepend(alert);
});
