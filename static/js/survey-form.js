// govtrack: the survey form's question rows. Without this file every row is shown (empty ones are
// ignored when saved); with it, the empty rows after the first are hidden and a button shows one
// more at a time (CSP: no inline script).
(function () {
  "use strict";

  function blank(row) {
    return Array.prototype.every.call(row.querySelectorAll("input[type=text], input:not([type]), textarea"),
      function (el) { return !el.value.trim(); });
  }

  function setUp(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll(".question-row"));
    var button = form.querySelector("[data-add-question]");
    if (!rows.length || !button) { return; }
    var shownBlank = false;
    rows.forEach(function (row) {
      if (blank(row) && !row.querySelector(".is-invalid")) {
        if (shownBlank) { row.hidden = true; } else { shownBlank = true; }
      }
    });
    function update() {
      button.hidden = !rows.some(function (row) { return row.hidden; });
    }
    button.addEventListener("click", function () {
      var next = rows.filter(function (row) { return row.hidden; })[0];
      if (next) {
        next.hidden = false;
        var key = next.querySelector("input");
        if (key) { key.focus(); }
      }
      update();
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.survey-form"), setUp);
  });
})();
