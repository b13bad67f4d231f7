// govtrack: the service worker of the survey capture pages, served as /surveys/sw.js so that its
// scope (/surveys/) covers them. It keeps what a field officer needs at a centre's meeting without a
// connection: the capture page, its style sheets and scripts, and the bundle (the survey and the
// centre's members). Pages and the bundle are asked of the network first (always fresh when there
// is a connection) and read from the cache when there is none; nothing else is touched, and the
// responses themselves are never cached here (the page keeps the unsent ones in IndexedDB).
"use strict";

var CACHE = "govtrack-capture-v1";
var CAPTURE_PAGE = /^\/surveys\/\d+\/capture$/;
var CAPTURE_FILES = /^\/surveys\/\d+\/capture\/(bundle|manifest\.webmanifest)$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("govtrack-capture-") === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function ours(url) {
  return url.origin === self.location.origin && (
    CAPTURE_PAGE.test(url.pathname) || CAPTURE_FILES.test(url.pathname) || url.pathname.indexOf("/static/") === 0);
}

function keep(cache, key, response) {
  // Only whole answers: not a redirect to the sign-in page, not an error.
  if (response.ok && !response.redirected && response.type === "basic") {
    return cache.put(key, response.clone());
  }
  return Promise.resolve();
}

// The page asks for itself and its files to be kept: on its first visit it was loaded before this
// worker controlled it, so nothing of it passed through the fetch handler below.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) { return; }
  var urls = data.urls.filter(function (u) {
    try { return ours(new URL(u, self.location.href)); } catch (err) { return false; }
  });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return fetch(u, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return keep(cache, u, response); })
        .catch(function () { return null; });
    }));
  }).then(function () {
    if (event.source) { event.source.postMessage({ type: "cached", count: urls.length }); }
  }));
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { return keep(cache, request.url, copy); });
    return response;
  }).catch(function () {
    return caches.match(request.url, { ignoreVary: true }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!ours(url)) { return; }
  event.respondWith(networkFirst(request));
});
