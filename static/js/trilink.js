/* Tell the server the browser's time zone so times can be shown in the viewer's own zone. */
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var current = document.cookie.split("; ").find(function (c) { return c.indexOf("trilink_tz=") === 0; });
    if (tz && (!current || current.split("=")[1] !== encodeURIComponent(tz))) {
      document.cookie = "trilink_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* Older browsers keep UTC. */ }
})();
