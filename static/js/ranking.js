// The ranking's rows fold their details into a row under them: each row's button shows or hides it, and one
// button above the table does it for every row. Without this script the buttons stay hidden and each dossier's
// deliberation page, linked from its name, shows the same details and more.
(function () {
  "use strict";

  var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-ranking-toggle]"));
  if (!buttons.length) {
    return;
  }
  var all = document.querySelector("[data-ranking-all]");

  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }

  function show(button, open) {
    var details = document.getElementById(button.getAttribute("aria-controls"));
    if (!details) {
      return;
    }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    details.hidden = !open;
  }

  function updateAll() {
    if (!all) {
      return;
    }
    var everyOpen = buttons.every(isOpen);
    all.setAttribute("aria-expanded", everyOpen ? "true" : "false");
    all.textContent = everyOpen ? all.dataset.closeLabel : all.dataset.openLabel;
  }

  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      show(button, !isOpen(button));
      updateAll();
    });
  });

  if (all) {
    all.hidden = false;
    all.setAttribute(
      "aria-controls",
      buttons
        .map(function (button) {
          return button.getAttribute("aria-controls");
        })
        .join(" ")
    );
    all.addEventListener("click", function () {
      var open = !buttons.every(isOpen);
      buttons.forEach(function (button) {
        show(button, open);
      });
      updateAll();
    });
  }
})();
