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

  // Back, then Save: the reloaded form gets a new key from the server, which would keep a second
  // copy. The first key lives in this history entry's state, so the same entry gets it back.
  function keepFormKey() {
    var input = document.querySelector("input[data-form-key]");
    if (!input) return;
    var state = history.state || {};
    if (state.formKey) {
      input.value = state.formKey;
    } else {
      history.replaceState(Object.assign({}, state, { formKey: input.value }), "");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    keepFormKey();
    foldGuidance();
    document.addEventListener("click", followJump);
  });
})();
