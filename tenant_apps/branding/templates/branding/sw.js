/* Tremplin service worker: an offline page, the last pages seen (network first for HTML),
   static files from the cache. Written by us, no library. */
"use strict";
const SHELL = "{{ cache_prefix }}-shell-v1";
const PAGES = "{{ cache_prefix }}-pages-v1";
const OFFLINE_URL = "/hors-ligne/";
const MAX_PAGES = 30;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll([OFFLINE_URL, "/manifest.webmanifest", "/icon.svg"]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(
      keys.filter((key) => key.startsWith("{{ cache_prefix }}-") && key !== SHELL && key !== PAGES)
        .map((key) => caches.delete(key))
    )).then(() => self.clients.claim())
  );
});

async function trim(cache) {
  const keys = await cache.keys();
  for (const request of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) {
    await cache.delete(request);
  }
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(request, response.clone());
      trim(cache);
    }
    return response;
  } catch (error) {
    return (await cache.match(request)) || (await caches.match(OFFLINE_URL));
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    (await caches.open(SHELL)).put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // Only our own GETs; never the API, the staff area or account pages with private data.
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (/^\/(api|staff|media\/private|mes-donnees|deconnexion)\b/.test(url.pathname)) return;
  if (request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html")) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  }
});

// Web Push (tenant_apps/matching/push.py): show what the city sent; a tap opens the page it is
// about, always on this site (only the path of the URL is kept).
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(self.registration.showNotification(data.title || "Tremplin", {
    body: data.body || "",
    tag: data.tag,
    icon: "/icon.svg",
    badge: "/icon.svg",
    data: { url: data.url || "/mes-messages/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  const href = self.location.origin + target.pathname + target.search;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    for (const client of windows) {
      if (client.url === href && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(href);
  }));
});
