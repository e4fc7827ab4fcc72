/* Upward's only script: small comforts on top of pages that work without it. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 52rem)");

  // On a phone, long guidance starts folded so the form is near the top; it opens with a tap.
  function foldGuidance() {
    if (!narrow.matches) return;
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
      details.open = false;
    });
  }

  // A jump link moves keyboard focus to its target, not only the scroll position.
  function followJump(event) {
    var link = event.target.closest("a[data-jump]");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    var folded = target.closest("details:not([open])");
    if (folded) folded.open = true;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldGuidance();
    document.addEventListener("click", followJump);
  });
})();
