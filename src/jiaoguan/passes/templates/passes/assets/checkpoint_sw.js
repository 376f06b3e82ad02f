// Service worker of the checkpoint pages (scope /checkpoint/): the verify page and its assets come from
// the network when it answers and from this cache when it does not, so the page opens with no network.
// The trust snapshot lives in localStorage (offline_page.js); the API is never cached here.
"use strict";

var CACHE = "jiaoguan-checkpoint-v1";
var PAGE = "/checkpoint/verify";
var ASSETS = ["/checkpoint/offline-verify.js", "/checkpoint/offline-page.js", "/passes/assets/verify.js",
  "/passes/assets/passes.css", "/static/app.css", "/static/vendor/htmx.min.js"];

function keep(cache, path, response) {
  // Only a real page is kept: a sign-in redirect must not replace the cached verify page.
  if (response.ok && !response.redirected && response.type === "basic") { return cache.put(path, response); }
  return Promise.resolve();
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all([PAGE].concat(ASSETS).map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (r) { return keep(cache, path, r); })
        .catch(function () { /* cached on first use instead */ });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("jiaoguan-checkpoint-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(url) {
  return url.origin === self.location.origin && (url.pathname === PAGE || ASSETS.indexOf(url.pathname) >= 0);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || !cacheable(url)) { return; }
  var key = url.pathname === PAGE ? PAGE : url.pathname;
  event.respondWith(fetch(request).then(function (response) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return keep(cache, key, copy); });
    return response;
  }).catch(function () {
    return caches.match(key).then(function (hit) { return hit || Response.error(); });
  }));
});
