/* Application form helpers: show-if conditions and submit-once buttons. */
(function () {
  "use strict";
  function answerOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.type === "checkbox" && input.value === "on" ? "true" : input.value); }
      } else if (input.value) { values.push(input.value); }
    });
    return values;
  }
  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-if-values").split("|");
      var given = answerOf(form, block.getAttribute("data-show-if"));
      var parentHidden = false;
      var parentInput = form.querySelector('[name="' + block.getAttribute("data-show-if") + '"]');
      if (parentInput) {
        var parentBlock = parentInput.closest(".question");
        parentHidden = parentBlock && parentBlock.classList.contains("d-none");
      }
      var show = !parentHidden && given.some(function (v) { return wanted.indexOf(v) !== -1; });
      block.classList.toggle("d-none", !show);
    });
  }
  document.querySelectorAll("form.application-step").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
  /* A submit button works once: a second click while the request runs does nothing. The
     server is idempotent as well, so a resubmission after a reload changes nothing. */
  document.querySelectorAll("form.submit-once").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "1") { event.preventDefault(); return; }
      form.dataset.submitted = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.disabled = true;
        if (button.dataset.busyText) { button.textContent = button.dataset.busyText; }
      });
    });
  });
})();
