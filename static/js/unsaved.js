// Warn before leaving a page with text typed but not saved, and let "Mark complete" carry
// reflections typed but not saved, so they are saved with it. Forms opt in with data-unsaved
// (data-unsaved="restored": the server put back text that was never saved).
(function () {
  "use strict";

  var unsaved = new Set();

  document.querySelectorAll("form[data-unsaved]").forEach(function (form) {
    if (form.getAttribute("data-unsaved") === "restored") {
      unsaved.add(form);
    }
    var mark = function () {
      unsaved.add(form);
    };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () {
      unsaved.delete(form);
    });
  });

  document.querySelectorAll("form[data-carries-notes]").forEach(function (form) {
    form.addEventListener("submit", function () {
      unsaved.forEach(function (other) {
        var box = other.querySelector("textarea[data-note]");
        if (!box) {
          return;
        }
        var carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = "note-" + box.getAttribute("data-note");
        carried.value = box.value;
        form.appendChild(carried);
        unsaved.delete(other);
      });
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
