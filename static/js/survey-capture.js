// govtrack: the field officer's survey capture page, offline too (govtrack/surveys/views.py, "capture").
// Without this file the page is a plain form (one response per post). With it, the page keeps the
// survey and the centre's members (the bundle) and every unsent response in IndexedDB, so that the
// officer can record a meeting's answers without a connection; it sends them when the connection
// returns (the `online` event, or the "send now" button), each with a key made here once, so that a
// response sent twice is stored once. The words it shows come from the page (data-strings).
(function () {
  "use strict";

  var DB_NAME = "govtrack-capture";
  var CHUNK = 500; // responses per request
  var page = document.getElementById("capture-page");
  var root = document.getElementById("capture");

  function registerWorker() {
    if (!page || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(page.dataset.swUrl, { scope: page.dataset.swScope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var urls = [location.href];
      if (page.dataset.pageUrl) { urls.push(new URL(page.dataset.pageUrl, location.href).href); }
      if (root) { urls.push(new URL(root.dataset.bundleUrl, location.href).href); }
      document.querySelectorAll("link[rel=stylesheet], link[rel=icon], link[rel=manifest], script[src]").forEach(function (el) {
        urls.push(el.href || el.src);
      });
      if (registration.active) { registration.active.postMessage({ type: "cache", urls: urls }); }
    }).catch(function () { return null; });
  }

  registerWorker();
  if (!root || !window.indexedDB || !window.fetch) { return; } // the plain form stays

  var strings = JSON.parse(root.dataset.strings);
  var surveyId = Number(root.dataset.surveyId);
  var centreId = Number(root.dataset.centreId);
  var scope = "u" + root.dataset.userId + ":s" + surveyId; // one officer's responses to one survey
  var bundleKey = scope + ":c" + centreId;
  var state = { bundle: null, responses: [], sending: false, editing: null, message: "", messageKind: "" };
  var parts = {};
  root.querySelectorAll("[data-capture]").forEach(function (el) { parts[el.dataset.capture] = el; });

  // ---- IndexedDB ----

  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(DB_NAME, 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore("bundles", { keyPath: "id" });
          db.createObjectStore("responses", { keyPath: "key" }).createIndex("scope", "scope");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }

  // Run `work(store)` in one transaction; resolves with the result of the request it returns.
  function inStore(name, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(name, mode);
        var req = work(t.objectStore(name));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function loadResponses() {
    return inStore("responses", "readonly", function (s) { return s.index("scope").getAll(scope); })
      .then(function (rows) {
        state.responses = (rows || []).sort(function (a, b) { return a.saved_at - b.saved_at; });
      });
  }

  function putResponse(record) {
    return inStore("responses", "readwrite", function (s) { return s.put(record); });
  }

  function deleteResponses(keys) {
    return inStore("responses", "readwrite", function (s) {
      keys.forEach(function (k) { s.delete(k); });
      return null;
    });
  }

  // ---- words ----

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "className") { node.className = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function say(message, kind) {
    state.message = message || "";
    state.messageKind = kind || "";
  }

  // ---- the page ----

  function unsent() { return state.responses.filter(function (r) { return r.status === "unsent"; }); }
  function rejected() { return state.responses.filter(function (r) { return r.status === "rejected"; }); }
  function localOf(memberId) {
    return state.responses.filter(function (r) { return r.member_id === memberId; })[0] || null;
  }

  function render() {
    var n = unsent().length;
    parts.connection.textContent = navigator.onLine ? strings.online : strings.offline;
    parts.unsent.textContent = n ? fill(n === 1 ? strings.unsent_one : strings.unsent_other, { n: n }) : strings.all_sent;
    parts.send.hidden = n === 0;
    parts.send.disabled = state.sending;
    parts.send.textContent = state.sending ? strings.sending : strings.send_now;
    parts.message.textContent = state.message;
    parts.message.className = "mb-1" + (state.messageKind === "error" ? " text-danger-emphasis fw-bold" : "");
    renderRejected();
    if (state.editing) {
      parts.list.hidden = true;
      parts.rejected.hidden = true;
      parts.form.hidden = false;
    } else {
      parts.list.hidden = false;
      parts.rejected.hidden = false;
      parts.form.hidden = true;
      renderList();
    }
  }

  function renderRejected() {
    var rows = rejected();
    parts.rejected.replaceChildren();
    if (!rows.length) { return; }
    var box = el("div", { className: "capture-rejected" }, [el("h3", { className: "h6", text: strings.rejected_title })]);
    rows.forEach(function (r) {
      var reasons = el("ul", { className: "mb-1 capture-error" });
      Object.keys(r.errors || {}).forEach(function (field) {
        (r.errors[field] || []).forEach(function (m) { reasons.appendChild(el("li", { text: m })); });
      });
      var fix = el("button", { type: "button", className: "btn btn-outline-primary capture-button", text: strings.fix });
      fix.addEventListener("click", function () { openForm(r.member_id, r); });
      var discard = el("button", { type: "button", className: "btn btn-outline-danger capture-button", text: strings.discard });
      discard.addEventListener("click", function () {
        if (!window.confirm(strings.discard_confirm)) { return; }
        deleteResponses([r.key]).then(loadResponses).then(render);
      });
      box.appendChild(el("div", { className: "capture-rejected-item" }, [
        el("p", { className: "mb-1 fw-bold", text: r.member_name + " · " + fill(strings.member_number, { number: r.member_number }) }),
        reasons,
        el("div", { className: "capture-actions" }, [fix, discard]),
      ]));
    });
    parts.rejected.appendChild(box);
  }

  function renderList() {
    parts.list.replaceChildren();
    var bundle = state.bundle;
    if (!bundle) {
      parts.list.appendChild(el("p", { className: "alert alert-warning", text: strings.no_bundle }));
      return;
    }
    if (!bundle.survey.open) { parts.list.appendChild(el("p", { className: "alert alert-warning", text: strings.closed })); }
    parts.list.appendChild(el("h3", { className: "h6", text: strings.members }));
    var list = el("ul", { className: "list-unstyled capture-members" });
    bundle.members.forEach(function (m) {
      var local = localOf(m.id);
      var status = local ? (local.status === "rejected" ? strings.rejected : strings.saved_here)
        : (m.answered ? strings.answered : strings.not_answered);
      var badge = local ? (local.status === "rejected" ? "text-bg-danger" : "text-bg-warning")
        : (m.answered ? "text-bg-success" : "text-bg-light");
      var name = el("button", { type: "button", className: "capture-member-name" }, [
        document.createTextNode(m.name + " "),
        el("span", { className: "text-muted", text: fill(strings.member_number, { number: m.number }) }),
      ]);
      name.disabled = Boolean(local || m.answered || !bundle.survey.open);
      name.addEventListener("click", function () { openForm(m.id, null); });
      list.appendChild(el("li", { className: "capture-member", "data-member-id": String(m.id) }, [
        name, el("span", { className: "badge " + badge, text: status }),
      ]));
    });
    parts.list.appendChild(list);
  }

  // ---- one member's answers ----

  function question(q, index, previous) {
    var id = "cq-" + q.key;
    var legend = el("legend", { className: "h6", text: (index + 1) + ". " + q.text + " " });
    if (!q.required) { legend.appendChild(el("span", { className: "text-muted fw-normal", text: strings.optional })); }
    var box = el("fieldset", { className: "capture-question", "data-question": q.key }, [legend]);
    var value = previous ? previous[q.key] : undefined;
    if (q.kind === "yes_no") {
      var pair = el("div", { className: "capture-choices" });
      [["yes", true], ["no", false]].forEach(function (opt) {
        var input = el("input", { type: "radio", className: "btn-check", name: id, id: id + "-" + opt[0], value: opt[0] });
        input.checked = value === opt[1];
        pair.appendChild(input);
        pair.appendChild(el("label", { className: "btn btn-outline-primary capture-choice", for: id + "-" + opt[0], text: strings[opt[0]] }));
      });
      box.appendChild(pair);
    } else if (q.kind === "single" || q.kind === "multiple") {
      q.choices.forEach(function (choice, i) {
        var input = el("input", { className: "form-check-input", type: q.kind === "single" ? "radio" : "checkbox", name: id, id: id + "-" + i });
        input.value = choice;
        input.checked = q.kind === "single" ? value === choice : Array.isArray(value) && value.indexOf(choice) >= 0;
        box.appendChild(el("div", { className: "form-check capture-tap" }, [
          input, el("label", { className: "form-check-label", for: id + "-" + i, text: choice }),
        ]));
      });
    } else {
      var field = el("input", { className: "form-control form-control-lg", id: id, name: id, autocomplete: "off",
        maxlength: q.kind === "number" ? "30" : "500" });
      if (q.kind === "number") { field.setAttribute("inputmode", "decimal"); }
      field.setAttribute("aria-label", q.text);
      if (value !== undefined && value !== null) { field.value = q.kind === "number" ? String(value).replace(".", ",") : value; }
      box.appendChild(field);
    }
    box.appendChild(el("div", { className: "capture-error", id: id + "-error", role: "alert" }));
    return box;
  }

  function openForm(memberId, record) {
    var member = (state.bundle ? state.bundle.members : []).filter(function (m) { return m.id === memberId; })[0];
    var name = member ? member.name : record.member_name;
    var number = member ? member.number : record.member_number;
    state.editing = { memberId: memberId, record: record, name: name, number: number };
    var form = el("form", { className: "capture-form", novalidate: "novalidate" });
    form.appendChild(el("h3", { className: "h6", text: fill(strings.answering, { name: name }) + " · " + fill(strings.member_number, { number: number }) }));
    var top = el("div", { className: "capture-error mb-2", role: "alert" });
    form.appendChild(top);
    if (record && record.errors) {
      Object.keys(record.errors).forEach(function (field) {
        if (field.indexOf("answers.") !== 0) { record.errors[field].forEach(function (m) { top.appendChild(el("div", { text: m })); }); }
      });
    }
    state.bundle.survey.questions.forEach(function (q, i) {
      var box = question(q, i, record ? record.answers : null);
      form.appendChild(box);
      var known = record && record.errors ? record.errors["answers." + q.key] : null;
      if (known) { box.querySelector(".capture-error").textContent = known.join(" "); }
    });
    var save = el("button", { type: "submit", className: "btn btn-primary btn-lg w-100 mb-2", text: strings.save });
    var back = el("button", { type: "button", className: "btn btn-outline-secondary w-100 mb-3", text: strings.cancel });
    back.addEventListener("click", function () { state.editing = null; say(""); render(); });
    form.appendChild(save);
    form.appendChild(back);
    form.addEventListener("submit", function (event) { event.preventDefault(); saveForm(form, top); });
    parts.form.replaceChildren(form);
    render();
    form.querySelector("h3").scrollIntoView();
  }

  function readAnswers(form) {
    var answers = {};
    var problems = {};
    state.bundle.survey.questions.forEach(function (q) {
      var id = "cq-" + q.key;
      var value;
      if (q.kind === "yes_no" || q.kind === "single") {
        var checked = form.querySelector("input[name='" + id + "']:checked");
        if (checked) { value = q.kind === "yes_no" ? checked.value === "yes" : checked.value; }
      } else if (q.kind === "multiple") {
        value = Array.prototype.map.call(form.querySelectorAll("input[name='" + id + "']:checked"), function (i) { return i.value; });
        if (!value.length) { value = undefined; }
      } else {
        var raw = form.querySelector("#" + id).value.trim();
        if (raw && q.kind === "number") {
          var compact = raw.replace(/\s/g, "");
          if (/^-?\d+(?:[.,]\d+)?$/.test(compact)) { value = Number(compact.replace(",", ".")); } else { problems[q.key] = strings.not_a_number; }
        } else if (raw) {
          value = raw;
        }
      }
      if (value === undefined && q.required && !problems[q.key]) { problems[q.key] = strings.required; }
      if (value !== undefined) { answers[q.key] = value; }
    });
    return { answers: answers, problems: problems };
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The day of the answer in the cooperative's time zone (the bundle's), whatever the phone's zone:
  // a phone set to another zone would otherwise date an answer a day early or late near midnight.
  function localToday() {
    var d = new Date();
    var zone = state.bundle && state.bundle.timezone;
    if (zone && window.Intl && Intl.DateTimeFormat) {
      try {
        var parts = {};
        new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
          .formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
        if (parts.year && parts.month && parts.day) { return parts.year + "-" + parts.month + "-" + parts.day; }
      } catch (err) { /* an unknown zone: the phone's own day below */ }
    }
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  function saveForm(form, top) {
    var read = readAnswers(form);
    var first = null;
    top.textContent = "";
    state.bundle.survey.questions.forEach(function (q) {
      var box = form.querySelector("[data-question='" + q.key + "'] .capture-error");
      box.textContent = read.problems[q.key] || "";
      if (read.problems[q.key] && !first) { first = box.parentNode; }
    });
    if (first) {
      top.textContent = strings.fix_errors;
      first.scrollIntoView();
      return;
    }
    var e = state.editing;
    var record = {
      key: e.record ? e.record.key : newKey(), scope: scope, survey_id: surveyId, centre_id: centreId,
      member_id: e.memberId, member_name: e.name, member_number: e.number,
      answered_on: e.record ? e.record.answered_on : localToday(), answers: read.answers,
      status: "unsent", errors: null, saved_at: e.record ? e.record.saved_at : Date.now(),
    };
    putResponse(record).then(loadResponses).then(function () {
      state.editing = null;
      say(fill(strings.saved, { name: e.name }));
      render();
      parts.unsent.scrollIntoView();
      if (navigator.onLine) { send(); }
    });
  }

  // ---- the connection ----

  function SessionEnded() { this.kind = "session"; }

  // The bundle from the server (a fresh CSRF token with it: the one in a page kept for a day may be stale).
  function fetchBundle() {
    return fetch(root.dataset.bundleUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (resp) {
        var type = resp.headers.get("Content-Type") || "";
        if (resp.redirected || type.indexOf("json") < 0) { throw new SessionEnded(); }
        if (!resp.ok) { throw new Error(String(resp.status)); }
        return resp.json();
      }).then(function (bundle) {
        bundle.id = bundleKey;
        state.bundle = bundle;
        return inStore("bundles", "readwrite", function (s) { return s.put(bundle); }).then(function () { return bundle; });
      });
  }

  function post(token, batch) {
    return fetch(root.dataset.syncUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ responses: batch.map(function (r) {
        return { key: r.key, member_id: r.member_id, answered_on: r.answered_on, answers: r.answers };
      }) }),
    });
  }

  function sendBatch(batch) {
    return fetchBundle().then(function (bundle) {
      return post(bundle.csrf_token, batch);
    }).then(function (resp) {
      var type = resp.headers.get("Content-Type") || "";
      if (resp.redirected) { throw new SessionEnded(); }
      if (type.indexOf("json") < 0) {
        var failure = new Error(String(resp.status));
        failure.status = resp.status;
        throw failure;
      }
      return resp.json().then(function (body) {
        if (!resp.ok) {
          var refused = new Error((body.error && body.error.message) || String(resp.status));
          refused.refused = resp.status !== 409; // 409: stored meanwhile by another request; try again
          throw refused;
        }
        return body;
      });
    }).then(function (result) {
      var byKey = {};
      (result.rejected || []).forEach(function (r) { if (r.key) { byKey[r.key] = r.errors; } });
      var done = [];
      var updates = [];
      batch.forEach(function (r) {
        if (byKey[r.key]) {
          r.status = "rejected";
          r.errors = byKey[r.key];
          updates.push(putResponse(r));
        } else {
          done.push(r.key);
        }
      });
      return Promise.all(updates).then(function () { return deleteResponses(done); }).then(function () { return result; });
    });
  }

  function send() {
    if (state.sending) { return Promise.resolve(); }
    var batch = unsent();
    if (!batch.length) { return Promise.resolve(); }
    state.sending = true;
    say("");
    render();
    var totals = { created: 0, duplicates: 0, rejected: 0 };
    var chain = Promise.resolve();
    for (var start = 0; start < batch.length; start += CHUNK) {
      (function (chunk) {
        chain = chain.then(function () { return sendBatch(chunk); }).then(function (result) {
          totals.created += result.created;
          totals.duplicates += result.duplicates;
          totals.rejected += (result.rejected || []).length;
        });
      }(batch.slice(start, start + CHUNK)));
    }
    return chain.then(function () {
      retries = 0;
      say(fill(strings.sent, totals));
      return fetchBundle().catch(function () { return null; });
    }).catch(function (err) {
      if (err instanceof SessionEnded) {
        say(strings.session_ended, "error");
        showSignIn();
      } else if (err && err.refused) {
        say(fill(strings.refused, { reason: err.message }), "error");
      } else {
        say(strings.send_failed, "error");
        retryLater();
      }
    }).then(loadResponses).then(function () {
      state.sending = false;
      render();
    });
  }

  // A connection that has just come back often fails the first request or two (and a phone may say
  // it is online on a network that carries nothing): try again after 2 s, 5 s, 15 s, 30 s, then
  // every minute while there is something to send.
  var RETRY_SECONDS = [2, 5, 15, 30, 60];
  var retries = 0;
  var retryTimer = null;
  function retryLater() {
    if (retryTimer) { return; }
    var wait = RETRY_SECONDS[Math.min(retries, RETRY_SECONDS.length - 1)];
    retries += 1;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      if (navigator.onLine && unsent().length) { send(); }
    }, wait * 1000);
  }

  function showSignIn() {
    if (parts.message.nextElementSibling && parts.message.nextElementSibling.dataset.signIn) { return; }
    var link = el("a", { className: "btn btn-outline-primary capture-button mb-2", href: root.dataset.loginUrl, text: strings.sign_in, "data-sign-in": "1" });
    parts.message.after(link);
  }

  // ---- start ----

  // Only once the phone's store opens does the page switch to the offline way (a browser that keeps
  // no IndexedDB, in a private window say, keeps the plain form).
  Promise.all([
    inStore("bundles", "readonly", function (s) { return s.get(bundleKey); }).then(function (b) { state.bundle = b || null; }),
    loadResponses(),
  ]).then(function () {
    document.getElementById("capture-plain").hidden = true;
    root.hidden = false;
    parts.send.addEventListener("click", function () { send(); });
    window.addEventListener("online", function () { retries = 0; render(); send(); });
    window.addEventListener("offline", render);
    render();
    if (!navigator.onLine) { return null; }
    return fetchBundle().then(function () { render(); return send(); }).catch(function (err) {
      if (err instanceof SessionEnded) { say(strings.session_ended, "error"); showSignIn(); render(); }
    });
  });
}());
