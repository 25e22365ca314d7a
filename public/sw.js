// Dongne's service worker (hand-written, no libraries): the crowd map's last known state and
// the last dataset pages read stay readable offline, and Dongne installs as an app.
//
// - Navigations: network first (a cached copy after 5 s on a congested network), then the
//   cached copy, then the offline page. Only the public pages below are stored, and never a
//   response marked `Cache-Control: private` or `no-store` (pages rendered for a session are).
// - /api/v1/crowd (JSON): network first, the cached copy when the network fails.
// - /pkg/* and /vendor/*: stale-while-revalidate.
// - Everything else (other methods, server functions, the SSE stream, /login, /admin...) goes
//   straight to the network, untouched.
//
// The page registers `/sw.js?v=<build>`: a new deploy is a new worker, which drops the previous
// build's assets on activate. Stored pages live in a cache named by this file's own format
// version, so they survive deploys.

const BUILD = new URL(self.location.href).searchParams.get('v') || 'dev';
const STATIC = `dongne-static-${BUILD}`;
const PAGES = 'dongne-pages-v1';
const OFFLINE = '/offline.html';
const PRECACHE = [OFFLINE, '/pkg/dongne.css'];
const NAV_TIMEOUT_MS = 5000;
// How many stored responses of each kind are kept (the oldest go first).
const LIMITS = { dataset: 20, page: 10, api: 4 };

/// The kind of a same-origin URL that may be stored, or null.
function storable(url) {
  if (url.origin !== self.location.origin) return null;
  const p = url.pathname;
  if (p === '/' || p === '/crowd' || p === '/crowd/lite') return 'page';
  if (/^\/datasets\/[^/]+$/.test(p)) return 'dataset';
  if (p === '/api/v1/crowd') return 'api';
  return null;
}

function cacheable(res) {
  if (!res || res.status !== 200 || res.type !== 'basic' || res.redirected) return false;
  const cc = (res.headers.get('cache-control') || '').toLowerCase();
  return !/(^|[\s,])(private|no-store)\b/.test(cc);
}

/// The cache key of a URL: without its fragment.
function key(url) {
  const u = new URL(url);
  u.hash = '';
  return u.href;
}

async function store(url, res) {
  const kind = storable(new URL(url));
  if (!kind) return;
  const cache = await caches.open(PAGES);
  if (res.status === 404 || res.status === 410) {
    await cache.delete(key(url), { ignoreVary: true });
    return;
  }
  if (!cacheable(res)) return;
  // Delete first so the entry moves to the end of the cache's (insertion) order.
  await cache.delete(key(url), { ignoreVary: true });
  await cache.put(key(url), res);
  const same = (await cache.keys()).filter((r) => storable(new URL(r.url)) === kind);
  for (const old of same.slice(0, Math.max(0, same.length - LIMITS[kind]))) {
    await cache.delete(old, { ignoreVary: true });
  }
}

async function stored(url) {
  const cache = await caches.open(PAGES);
  return cache.match(key(url), { ignoreVary: true });
}

/// A stored page as shown in place of the network's: the reader is told it is a saved copy and
/// when it was saved (a crowd level of some hours ago is not today's). The notice is CSS on the
/// body, added in the server-only part of the head, so the wasm still hydrates the same body.
async function storedPage(url) {
  const res = await stored(url);
  if (!res) return res;
  const saved = new Date(res.headers.get('date') || Date.now());
  const kst = new Date(saved.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ');
  const note = `오프라인: ${kst} KST에 저장된 화면입니다 · Offline: saved at ${kst} KST`;
  const style = `<style>body::before{content:"${note}";display:block;padding:.5rem 1rem;`
    + 'background:#fff4e5;color:#7a3e00;border-bottom:2px solid #b35c00;font-weight:600}</style>';
  const html = (await res.text()).replace(/<meta charset="?utf-8"?>/i, (m) => m + style);
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  headers.set('x-dongne-offline-copy', saved.toUTCString());
  return new Response(html, { status: res.status, statusText: res.statusText, headers });
}

async function offlinePage() {
  const res = await caches.match(OFFLINE, { cacheName: STATIC });
  return res || new Response('Offline · 오프라인', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    await cache.addAll(PRECACHE.map((u) => new Request(u, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('dongne-') && name !== STATIC && name !== PAGES) await caches.delete(name);
    }
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
    // The public page this worker was installed from is readable offline too.
    const open = await self.clients.matchAll({ type: 'window' });
    await Promise.all(open.map(async (client) => {
      const url = new URL(client.url);
      if (!storable(url) || storable(url) === 'api') return;
      try {
        await store(url.href, await fetch(url.href, { credentials: 'same-origin' }));
      } catch { /* offline already: nothing to store */ }
    }));
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || req.headers.has('range')) return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event, url));
  } else if (url.pathname === '/api/v1/crowd') {
    event.respondWith(networkFirstData(event, url));
  } else if (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/vendor/')) {
    event.respondWith(staleWhileRevalidate(event));
  }
});

/// The network's answer to a navigation (the preloaded one when the browser started it).
async function fromNetwork(event) {
  const preloaded = await event.preloadResponse;
  return preloaded || fetch(event.request);
}

async function navigate(event, url) {
  const network = fromNetwork(event);
  if (!storable(url)) {
    try {
      return await network;
    } catch {
      return offlinePage();
    }
  }
  // Store the fresh copy once it arrives (cloned before the page reads the body).
  event.waitUntil(network.then((res) => store(url.href, res.clone())).catch(() => {}));
  const timeout = new Promise((resolve) => setTimeout(resolve, NAV_TIMEOUT_MS, null));
  try {
    const first = await Promise.race([network, timeout]);
    if (first && first.status < 500) return first;
    // Slow, or a server error: the stored copy if there is one, else keep waiting.
    const copy = await storedPage(url.href);
    if (copy) return copy;
    return first || await network;
  } catch {
    return (await storedPage(url.href)) || offlinePage();
  }
}

async function networkFirstData(event, url) {
  try {
    const res = await fetch(event.request);
    if (res.status < 500) {
      const type = res.headers.get('content-type') || '';
      if (type.startsWith('application/json')) event.waitUntil(store(url.href, res.clone()));
      return res;
    }
    return (await stored(url.href)) || res;
  } catch (err) {
    const copy = await stored(url.href);
    if (copy) return copy;
    throw err;
  }
}

async function staleWhileRevalidate(event) {
  const req = event.request;
  const cache = await caches.open(STATIC);
  const cached = await cache.match(req, { ignoreVary: true });
  const update = fetch(req).then((res) => {
    if (cacheable(res)) event.waitUntil(cache.put(req, res.clone()).catch(() => {}));
    return res;
  });
  event.waitUntil(update.then(() => {}, () => {}));
  return cached || update;
}
