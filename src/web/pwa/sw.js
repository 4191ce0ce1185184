// Concierge's service worker. The server fills in VERSION and PRECACHE when it serves /sw.js
// (src/web/pwa/mod.rs), so each build's worker differs and replaces the last one cleanly.
//
// What it keeps: the app's shell (its stylesheet, script, wasm, icons, the offline page), and the
// signed-in person's last dashboard page, so an installed app shows something without a network.
// What it never keeps: server functions and API answers (/api, /v1, /mcp), event streams,
// uploads, any page but the dashboard. The dashboard copy is dropped when someone logs out, when a
// page is served to a visitor, and replaced when another person's dashboard is loaded.
//
// While online the network always wins (the asset addresses carry no content hash, so a cached
// script could otherwise meet a newer page); the caches answer only when the network cannot.
const VERSION = "__VERSION__";
const SHELL = "concierge-shell-" + VERSION;
const PRIVATE = "concierge-private";
const PRECACHE = __PRECACHE__;
const OFFLINE = "/offline.html";
const SNAPSHOT = "/offline/last-dashboard";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("concierge-shell-") && n !== SHELL).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/api/logout" || url.pathname === "/api/logout_everywhere") {
    event.waitUntil(caches.delete(PRIVATE));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event));
  } else if (url.pathname === SNAPSHOT) {
    event.respondWith(snapshot());
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(asset(request, url.pathname));
  }
  // Everything else goes to the network untouched.
});

async function navigate(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(remember(new URL(event.request.url).pathname, response.clone()));
    return response;
  } catch (err) {
    const offline = await caches.match(OFFLINE, { cacheName: SHELL });
    return offline || new Response("You are offline.", { status: 503, headers: { "content-type": "text/plain" } });
  }
}

// The server says on every page whether it was rendered for a signed-in person
// (x-concierge-offline: keep, on the dashboard) or for a visitor (forget).
async function remember(path, response) {
  const verdict = response.headers.get("x-concierge-offline");
  if (verdict === "forget") {
    await caches.delete(PRIVATE);
  } else if (verdict === "keep" && path === "/" && response.ok) {
    const body = await response.text();
    const headers = { "content-type": "text/html; charset=utf-8", "x-concierge-saved-at": new Date().toISOString() };
    const cache = await caches.open(PRIVATE);
    await cache.put(SNAPSHOT, new Response(body, { headers }));
  }
}

async function snapshot() {
  const cached = await caches.match(SNAPSHOT, { cacheName: PRIVATE });
  return cached || new Response("", { status: 404 });
}

async function asset(request, path) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(path, copy));
    }
    return response;
  } catch (err) {
    const cached = await caches.match(path, { cacheName: SHELL });
    if (cached) return cached;
    throw err;
  }
}
