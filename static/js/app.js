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

  function ready() { setUpMenu(); setUpPrint(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
