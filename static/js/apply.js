/* Application form helpers: show-if conditions, saving before leaving a step, and
   submit-once buttons. */
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
  /* Nothing typed is lost on the way out of a step. Autosave runs a second after the last key,
     so the form counts its edits and the autosaves the server confirmed. Leaving by a link
     (the step list, review, status) first posts what is unsaved to the autosave URL and waits
     for it; another form's submit (language, sign out) does the same; hiding or closing the
     page hands it to sendBeacon. The browser asks before unloading only while an edit is still
     unsaved. The step form's own buttons post every field, so they need none of this. */
  var SAVE_WAIT_MS = 5000;
  document.querySelectorAll("form.application-step[data-autosave-url]").forEach(function (form) {
    var url = form.getAttribute("data-autosave-url");
    var edits = 0;
    var saved = 0;
    var submitting = false;
    var fileChosen = false;  /* a file goes to the server only with the step form's buttons */
    function unsaved() { return !submitting && (edits > saved || fileChosen); }
    function payload() {
      var data = new FormData(form);
      form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
      return data;
    }
    function markSaved(upTo) { saved = Math.max(saved, upTo); }
    function save() {
      var upTo = edits;
      var request = fetch(url, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(function (response) { if (response.ok) { markSaved(upTo); } });
      var timeout = new Promise(function (resolve) { window.setTimeout(resolve, SAVE_WAIT_MS); });
      return Promise.race([request, timeout]).catch(function () { return null; });
    }
    function beacon() {
      if (!unsaved() || !navigator.sendBeacon) { return; }
      var upTo = edits;
      if (navigator.sendBeacon(url, payload())) { markSaved(upTo); }
    }
    function edited(event) {
      if (event.target.type === "file") {
        fileChosen = fileChosen || event.target.files.length > 0;
      } else {
        edits += 1;
      }
    }
    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    form.addEventListener("submit", function () { submitting = true; });
    form.addEventListener("htmx:beforeRequest", function (event) {
      event.detail.xhr.trilinkEdits = edits;
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      var upTo = event.detail.xhr.trilinkEdits;
      if (event.detail.successful && typeof upTo === "number") { markSaved(upTo); }
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link || !unsaved() || event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey ||
          (link.target && link.target !== "_self") || link.hasAttribute("download") ||
          link.getAttribute("href").charAt(0) === "#") { return; }
      event.preventDefault();
      var href = link.href;
      save().then(function () { window.location.assign(href); });
    });
    document.addEventListener("submit", function (event) {
      var other = event.target;
      if (other === form || !unsaved() || other.dataset.savedFirst === "1") { return; }
      event.preventDefault();
      var submitter = event.submitter || null;
      save().then(function () {
        other.dataset.savedFirst = "1";
        if (other.requestSubmit) { other.requestSubmit(submitter); } else { other.submit(); }
      });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { beacon(); }
    });
    window.addEventListener("pagehide", beacon);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { submitting = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved()) { event.preventDefault(); event.returnValue = ""; }
    });
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
