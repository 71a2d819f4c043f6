// Package icons and screenshots that never show broken. Every icon starts as a generated
// placeholder (initials on a colour derived from the name); the image replaces it only once it
// has loaded. Images come through the server's /package/resource proxy, which holds one of the
// server's workers while it waits for the upstream host, and that host is often out of reach
// (an offline cluster). So loads are few at a time, and only one at a time goes to a host that
// has not answered yet; they time out, and a host that could not be reached is not tried again
// for a while (remembered for the browser tab), so the page's own calls never queue behind icons.
import { h } from './dom.js';

const MAX_PARALLEL = 3;
const TIMEOUT_MS = 8000;
const DEAD_HOST_MS = 10 * 60 * 1000;
const DEAD_HOSTS_KEY = 'cosmos-ui.unreachableHosts';

const cache = new Map(); // url -> Promise<string|null> (an object URL, or null on failure)
const goodHosts = new Set();
const queue = [];
let running = 0;

function deadHosts() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(DEAD_HOSTS_KEY) || '{}');
    return stored && typeof stored === 'object' ? stored : {};
  } catch {
    return {};
  }
}

function isDead(host) {
  const until = deadHosts()[host];
  return typeof until === 'number' && until > Date.now();
}

function markDead(host) {
  const stored = deadHosts();
  stored[host] = Date.now() + DEAD_HOST_MS;
  try {
    sessionStorage.setItem(DEAD_HOSTS_KEY, JSON.stringify(stored));
  } catch {
    // storage full or disabled: the page still works, it just tries again next time
  }
}

function upstreamHost(url) {
  try {
    const outer = new URL(url, location.href);
    const inner = outer.pathname === '/package/resource' ? outer.searchParams.get('url') : null;
    return new URL(inner || outer.href).host;
  } catch {
    return '';
  }
}

async function fetchImage(url, host) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { signal: controller.signal, credentials: 'same-origin' });
    if (!response.ok) {
      // 502/504: the proxy could not reach the upstream host; other statuses concern one image.
      if (response.status === 502 || response.status === 504) markDead(host);
      return null;
    }
    goodHosts.add(host);
    const type = response.headers.get('Content-Type') || '';
    if (!type.startsWith('image/')) return null;
    const blob = await response.blob();
    return URL.createObjectURL(blob);
  } catch {
    markDead(host);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

let probing = 0; // loads running for hosts that have not answered yet (at most one)
// The page's own first calls go first: icons wait a moment after the page starts.
let started = false;
setTimeout(() => {
  started = true;
  pump();
}, 500);

function pump() {
  if (!started) return;
  for (let i = 0; i < queue.length && running < MAX_PARALLEL;) {
    const job = queue[i];
    const known = goodHosts.has(job.host);
    if (isDead(job.host)) {
      queue.splice(i, 1);
      job.resolve(null);
    } else if (!known && probing > 0) {
      // One host of unknown health at a time: a host out of reach holds a server worker
      // until its timeout, and the server has few of them.
      i += 1;
    } else {
      queue.splice(i, 1);
      running += 1;
      if (!known) probing += 1;
      fetchImage(job.url, job.host).then((result) => {
        running -= 1;
        if (!known) probing -= 1;
        job.resolve(result);
        pump();
      });
    }
  }
}

/** Loads an image URL once per page; resolves to an object URL, or null when it failed. */
export function loadImage(url) {
  if (!cache.has(url)) {
    cache.set(url, new Promise((resolve) => {
      queue.push({ url, host: upstreamHost(url), resolve });
      pump();
    }));
  }
  return cache.get(url);
}

function hue(name) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 360;
}

function initials(name) {
  const parts = String(name).split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[1][0] : String(name).slice(0, 2);
  return letters.toUpperCase();
}

let observer = null;
const pendingIcons = new WeakMap();

function visibleObserver() {
  if (!observer) {
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        const start = pendingIcons.get(entry.target);
        pendingIcons.delete(entry.target);
        if (start) start();
      }
    }, { rootMargin: '200px' });
  }
  return observer;
}

/** The best icon URL of a search result's or package's images for a size. */
export function iconUrl(images, size = 'medium') {
  if (!images) return null;
  const order = size === 'large'
    ? ['icon-large', 'icon-medium', 'icon-small']
    : ['icon-medium', 'icon-small', 'icon-large'];
  for (const key of order) if (typeof images[key] === 'string' && images[key]) return images[key];
  return null;
}

/**
 * An icon element for a package: the placeholder at once, the image when (and if) it loads,
 * requested only once the icon is near the viewport. Decorative: the name is always next to it.
 */
export function packageIcon(name, url, size = 'medium') {
  const el = h('span', { class: `icon icon-${size}`, 'aria-hidden': 'true' },
    h('span', { class: 'icon-placeholder' }, initials(name)));
  el.style.setProperty('--hue', String(hue(name)));
  if (url) {
    pendingIcons.set(el, () => {
      loadImage(url).then((objectUrl) => {
        if (!objectUrl) return;
        el.append(h('img', { src: objectUrl, alt: '', decoding: 'async' }));
        el.classList.add('icon-loaded');
      });
    });
    visibleObserver().observe(el);
  }
  return el;
}

/** A screenshot that shows a captioned placeholder instead of a broken image. */
export function screenshot(url, caption) {
  const figure = h('figure', { class: 'screenshot' },
    h('div', { class: 'screenshot-frame' }, h('span', { class: 'screenshot-pending' }, 'Loading screenshot…')),
    h('figcaption', {}, caption));
  loadImage(url).then((objectUrl) => {
    const frame = figure.firstChild;
    if (objectUrl) {
      frame.replaceChildren(h('img', { src: objectUrl, alt: caption, decoding: 'async' }));
    } else {
      frame.replaceChildren(h('span', { class: 'screenshot-missing' }, 'Screenshot unavailable'));
    }
  });
  return figure;
}
