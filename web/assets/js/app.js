// The app shell: routes /ui/... paths to views, keeps links in the page (deep links still work
// because the server answers every /ui/ path with this shell), and holds the token dialog.
import { catalog, setToken, token } from './api.js';
import { h, uid } from './dom.js';
import * as catalogView from './catalog.js';
import * as packageView from './package.js';
import * as servicesView from './services.js';
import * as repositoriesView from './repositories.js';
import * as publishView from './publish.js';
import { pageTitle } from './components.js';

// Start the catalog download before anything else: it is the first page's critical path.
if (location.pathname === '/ui/' || location.pathname === '/ui') catalog().catch(() => {});

const ROUTES = [
  { pattern: /^\/ui\/?$/, view: catalogView, nav: 'catalog' },
  { pattern: /^\/ui\/package\/([^/]+)(?:\/(.+?))?\/?$/, view: packageView, nav: 'catalog' },
  { pattern: /^\/ui\/services\/?$/, view: servicesView, nav: 'services', list: true },
  { pattern: /^\/ui\/services\/(.+?)\/?$/, view: servicesView, nav: 'services' },
  { pattern: /^\/ui\/repositories\/?$/, view: repositoriesView, nav: 'repositories' },
  { pattern: /^\/ui\/publish\/?$/, view: publishView, nav: 'publish' },
];

const main = document.getElementById('main');
let current = null; // {controller, cleanup}
let flashed = null;
let firstRender = true;

/** Keeps a message for the next page (e.g. "uninstalled" shown on the services list). */
export function flash(node) {
  flashed = node;
}

function takeFlash() {
  const node = flashed;
  flashed = null;
  return node;
}

/** Goes to a /ui/ URL inside the page. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function notFound(root) {
  root.append(pageTitle('Page not found'),
    h('p', {}, 'There is nothing at this address. ', h('a', { href: '/ui/' }, 'Browse the catalog'), '.'));
}

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function render() {
  if (current) {
    current.controller.abort();
    if (typeof current.cleanup === 'function') current.cleanup();
  }
  const controller = new AbortController();
  current = { controller, cleanup: null };
  main.replaceChildren();
  const path = location.pathname;
  let route = null;
  let match = null;
  for (const r of ROUTES) {
    match = r.pattern.exec(path);
    if (match) {
      route = r;
      break;
    }
  }
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (route && link.dataset.nav === route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const context = {
    params: match ? match.slice(1).map((p) => (p === undefined ? undefined : decode(p))) : [],
    query: new URLSearchParams(location.search),
    signal: controller.signal,
    navigate,
    flash,
    takeFlash,
    list: Boolean(route && route.list),
  };
  if (!route) {
    notFound(main);
  } else {
    current.cleanup = route.view.mount(main, context);
  }
  if (!firstRender) {
    window.scrollTo(0, 0);
    const title = main.querySelector('h1');
    if (title) title.focus();
  }
  firstRender = false;
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/ui/')) return;
  event.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search) {
    if (url.hash) location.hash = url.hash;
    return;
  }
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', render);

// --- token dialog ---

function tokenDialog() {
  const button = document.getElementById('token-button');
  const titleId = uid('token-title');
  const inputId = uid('token-input');
  const helpId = uid('token-help');
  const input = h('input', {
    id: inputId, type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': helpId,
  });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save token');
  const clear = h('button', { type: 'button', class: 'secondary' }, 'Forget token');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h('form', { class: 'token-form' },
    h('label', { for: inputId }, 'API token'),
    input,
    h('p', { class: 'help', id: helpId },
      'Sent as "Authorization: token=…" with every call from this tab, and kept only for this tab (session storage).'),
    h('p', { class: 'dialog-actions' }, cancel, clear, save));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Token'), form);
  document.body.append(dialog);

  const refreshButton = () => {
    const set = Boolean(token());
    button.textContent = set ? 'Token set' : 'Token';
    button.classList.toggle('token-set', set);
    button.setAttribute('aria-label', set ? 'Token (set for this tab)' : 'Token (none set)');
  };
  const open = () => {
    input.value = token();
    dialog.showModal();
    input.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value);
    dialog.close();
  });
  clear.addEventListener('click', () => {
    setToken('');
    dialog.close();
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => button.focus());
  button.addEventListener('click', open);
  document.addEventListener('open-token-dialog', open);
  document.addEventListener('token-changed', refreshButton);
  refreshButton();
}

tokenDialog();
render();
