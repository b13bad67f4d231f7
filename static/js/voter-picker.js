// govtrack: the voter picker of the forum form. It searches the roster as one types (a JSON
// endpoint, at most a dozen members) and adds the chosen member as a line "NUMBER Name" of the
// list of voters, the same text one could type or paste there: without this file the form works
// the same way (CSP: no inline script).
(function () {
  "use strict";

  var DELAY = 200;

  function setUp(picker) {
    var input = picker.querySelector("input[type=search]");
    var results = picker.querySelector("[data-voter-results]");
    var status = picker.querySelector("[data-voter-status]");
    var target = document.getElementById(picker.getAttribute("data-target"));
    var url = picker.getAttribute("data-search-url");
    if (!input || !results || !target || !url) { return; }
    var timer = null;
    var asked = 0;
    picker.hidden = false;

    function numbersListed() {
      var out = {};
      target.value.split("\n").forEach(function (line) {
        var first = line.trim().split(/\s+/)[0];
        if (first) { out[first.toUpperCase()] = true; }
      });
      return out;
    }

    function say(text) { status.textContent = text; }

    function add(item) {
      if (numbersListed()[item.number.toUpperCase()]) {
        say(picker.getAttribute("data-already").replace("{name}", item.name));
      } else {
        var text = target.value.replace(/\s+$/, "");
        target.value = (text ? text + "\n" : "") + item.line + "\n";
        say(picker.getAttribute("data-added").replace("{name}", item.name));
      }
      results.textContent = "";
      input.value = "";
      input.focus();
    }

    function show(items) {
      results.textContent = "";
      var listed = numbersListed();
      items.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary text-start w-100 mb-1";
        button.textContent = item.name + " · " + item.number + (item.group ? " · " + item.group : "");
        if (!item.eligible) {
          button.disabled = true;
          button.className = "btn btn-sm btn-outline-secondary text-start w-100 mb-1";
          button.textContent += " — " + item.why;
        } else if (listed[item.number.toUpperCase()]) {
          button.disabled = true;
          button.textContent += " — " + picker.getAttribute("data-on-list");
        } else {
          button.addEventListener("click", function () { add(item); });
        }
        li.appendChild(button);
        results.appendChild(li);
      });
      if (!items.length) {
        say(picker.getAttribute("data-none"));
      } else {
        say(picker.getAttribute("data-found").replace("{count}", String(items.length)));
      }
    }

    function search() {
      var q = input.value.trim();
      if (q.length < 2) { results.textContent = ""; say(""); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (body) { if (mine === asked) { show(body.items || []); } })
        .catch(function () { if (mine === asked) { say(picker.getAttribute("data-failed")); } });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      // Enter chooses the only member found instead of submitting the whole form.
      if (event.key === "Enter") {
        event.preventDefault();
        var buttons = results.querySelectorAll("button:not([disabled])");
        if (buttons.length === 1) { buttons[0].click(); } else if (buttons.length) { buttons[0].focus(); }
      }
    });
  }

  function ready() { document.querySelectorAll("[data-voter-picker]").forEach(setUp); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
