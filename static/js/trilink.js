/* Tell the server the browser's time zone so times can be shown in the viewer's own zone.
 * Signed-in people use the zone in their profile; for visitors, the first page is reloaded
 * once when the server rendered it in another zone, so deadlines are right from the start. */
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz) { return; }
    var current = document.cookie.split("; ").find(function (c) { return c.indexOf("trilink_tz=") === 0; });
    var encoded = encodeURIComponent(tz);
    if (!current || current.split("=")[1] !== encoded) {
      document.cookie = "trilink_tz=" + encoded + "; path=/; max-age=31536000; SameSite=Lax";
      var body = document.body;
      var reloadKey = "trilink-tz-reloaded";
      if (body && !body.dataset.userTimeZone && body.dataset.timeZone !== tz &&
          document.readyState !== "complete" && !window.sessionStorage.getItem(reloadKey) &&
          window.location.protocol.indexOf("http") === 0 && !document.querySelector("form input:not([type=hidden])")) {
        window.sessionStorage.setItem(reloadKey, "1");
        window.location.reload();
      }
    }
  } catch (e) { /* Older browsers keep UTC. */ }
})();

/* Time zone choosers (sign-up) start at the browser's zone rather than UTC, unless the
 * server already chose another zone or the person picked one. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!tz) { return; }
  document.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
    if (select.value === "UTC" && select.querySelector('option[value="' + tz + '"]')) {
      select.value = tz;
    }
  });
});

/* Behaviour templates ask for with data attributes, since the Content Security Policy allows
 * no inline script or on...= handler: a preview form never submits, a [data-print] button
 * prints the page. */
document.addEventListener("submit", function (event) {
  "use strict";
  if (event.target.matches && event.target.matches("form[data-preview-only]")) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
