// govtrack: "Everyone present" on the roll-call screen. With this file the button marks present,
// on the screen, every row that has no attendance chosen yet (nothing is saved until "Record");
// without it the button submits the form and the server does the same, then saves (CSP: no inline
// script).
(function () {
  "use strict";

  function setUp(form) {
    var buttons = form.querySelectorAll("[data-all-present]");
    var status = form.querySelector("[data-all-present-status]");
    if (!buttons.length) { return; }
    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var marked = 0;
        form.querySelectorAll("input[type=hidden][name=row]").forEach(function (row) {
          var name = "att-" + row.value;
          var chosen = form.querySelector("input[name='" + name + "']:checked");
          var present = form.querySelector("input[name='" + name + "'][value=present]");
          if (!chosen && present && !present.disabled) {
            present.checked = true;
            marked += 1;
          }
        });
        if (status) {
          status.textContent = marked ? status.getAttribute("data-done").replace("{count}", String(marked))
            : status.getAttribute("data-none");
        }
      });
    });
  }

  function ready() {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-all-present]")) { setUp(form); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
