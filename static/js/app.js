// govtrack: small enhancements; every page works without this file (CSP: no inline scripts).
(function () {
  "use strict";

  // The header menu is a <details> (it opens and closes without JavaScript). Here: Escape closes it
  // and gives the focus back to its button, a click outside closes it, and on a wide screen it is
  // kept open for browsers that cannot show a closed <details>' content with CSS.
  function setUpMenu() {
    var menu = document.querySelector(".site-menu");
    if (!menu) { return; }
    var wide = window.matchMedia("(min-width: 992px)");
    var follow = function () {
      if (wide.matches) { menu.open = true; } else { menu.open = false; }
    };
    if (!CSS.supports("selector(::details-content)")) {
      follow();
      wide.addEventListener("change", follow);
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !wide.matches && !menu.contains(event.target)) { menu.open = false; }
    });
  }

  // Print buttons: hidden until this script shows them (without it the page says "Ctrl+P").
  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-print-fallback]").forEach(function (note) { note.hidden = true; });
  }

  // Signing out on a shared phone. The survey capture pages keep, for a meeting without a
  // connection, the survey, a centre's members and the unsent answers in this browser (IndexedDB
  // "govtrack-capture", static/js/survey-capture.js) and the pages themselves (Cache Storage
  // "govtrack-capture-*", static/js/survey-sw.js). When no answer waits there to be sent or fixed,
  // signing out forgets all of it, so that nobody opens a centre's member list offline after the
  // officer has gone. Answers not yet sent are kept (they must not be lost: signing in again sends
  // them), and the sign-in page says so.
  var CAPTURE_DB = "govtrack-capture";
  var CAPTURE_KEPT = "govtrack-capture-kept";

  function captureWaiting() {
    // Resolves to the number of answers waiting; to 0 when there is no capture database (opened
    // without creating it: a database made here would lack the capture page's stores).
    return new Promise(function (resolve) {
      var req = indexedDB.open(CAPTURE_DB);
      req.onupgradeneeded = function () { req.transaction.abort(); };
      req.onerror = function () { resolve(0); };
      req.onsuccess = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("responses")) { db.close(); resolve(0); return; }
        var all = db.transaction("responses", "readonly").objectStore("responses").getAll();
        all.onsuccess = function () {
          db.close();
          resolve((all.result || []).filter(function (r) { return r.status === "unsent" || r.status === "rejected"; }).length);
        };
        all.onerror = function () { db.close(); resolve(1); }; // unreadable: keep rather than lose
      };
    });
  }

  function forgetCapture() {
    return captureWaiting().then(function (waiting) {
      if (waiting) {
        try { sessionStorage.setItem(CAPTURE_KEPT, String(waiting)); } catch (err) { /* private mode */ }
        return;
      }
      var gone = [new Promise(function (resolve) {
        var del = indexedDB.deleteDatabase(CAPTURE_DB);
        del.onsuccess = del.onerror = del.onblocked = function () { resolve(); };
      })];
      if (window.caches) {
        gone.push(caches.keys().then(function (keys) {
          return Promise.all(keys.filter(function (k) { return k.indexOf("govtrack-capture-") === 0; })
            .map(function (k) { return caches.delete(k); }));
        }));
      }
      return Promise.all(gone);
    });
  }

  function setUpSignOut() {
    var form = document.querySelector("form[data-sign-out]");
    if (form && window.indexedDB && window.Promise) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.forgotten) { return; }
        event.preventDefault();
        var go = function () {
          if (form.dataset.forgotten) { return; }
          form.dataset.forgotten = "1";
          form.submit();
        };
        window.setTimeout(go, 3000); // never hold the sign-out up for long
        forgetCapture().then(go, go);
      });
    }
    var kept = document.querySelector("[data-capture-kept]");
    var n = null;
    try { n = sessionStorage.getItem(CAPTURE_KEPT); sessionStorage.removeItem(CAPTURE_KEPT); } catch (err) { n = null; }
    if (kept && n) {
      kept.textContent = kept.dataset.captureKept.replace("{n}", n);
      kept.hidden = false;
    }
  }

  function ready() { setUpMenu(); setUpPrint(); setUpSignOut(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
