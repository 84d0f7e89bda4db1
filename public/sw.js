// The playground's service worker: it works offline after the first visit (a lecture
// hall without network). The build (vite.config.ts, offlineCache plugin) puts the list
// of the build's files and a version in front of this file; installing caches them all
// (the engine worker, the lazily loaded recorder and muxer, the presets, the icons).
//
// Only the app's own files are answered from here: page loads of the app (network
// first, the cached page when offline or slow), and files of the build or under
// assets/, presets/, icons/ (cache first, fetched and kept otherwise). Anything else
// goes to the network untouched. Old caches are dropped when a new build activates.
/* eslint-env serviceworker */

const BUILD = self.__XSP_PRECACHE__ || { version: 'dev', files: [] };
const CACHE = `xsp-${BUILD.version}`;
const SCOPE = new URL('./', self.location).href;
const FILES = new Set(BUILD.files.map((f) => new URL(f, SCOPE).href));
const SHELL = new URL('./', SCOPE).href;
const NAV_TIMEOUT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...FILES].map((u) => new Request(u, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('xsp-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

function isAppPage(url) {
  if (!url.href.startsWith(SCOPE)) return false;
  const rest = url.pathname.slice(new URL(SCOPE).pathname.length);
  return rest === '' || rest === 'index.html';
}

function isAppFile(url) {
  const bare = url.origin + url.pathname;
  if (FILES.has(bare)) return true;
  if (!bare.startsWith(SCOPE)) return false;
  return /^(assets|presets|icons)\//.test(bare.slice(SCOPE.length));
}

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  // ignoreVary: the server may answer with "Vary: Origin", and module scripts are
  // requested with an Origin header that the install-time requests did not carry.
  return cache.match(request, { ignoreSearch: true, ignoreVary: true });
}

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error('slow network')), NAV_TIMEOUT_MS)),
    ]);
    if (response.ok) await cache.put(SHELL, response.clone());
    return response;
  } catch (e) {
    const cached = (await cache.match(SHELL, { ignoreVary: true })) || (await cache.match(new URL('index.html', SCOPE).href, { ignoreVary: true }));
    if (cached) return cached;
    throw e;
  }
}

async function file(request) {
  const cached = await fromCache(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && isAppPage(url)) event.respondWith(page(request));
  else if (isAppFile(url)) event.respondWith(file(request));
});
