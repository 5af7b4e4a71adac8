// Offline-tolerant roll call. Each change becomes a mark with its own id and the time it was
// made; marks wait in localStorage until the server has answered for them, so a mark made
// while the connection is down is sent when it returns, and one sent twice (the answer was
// lost) is recognised by its id and saved once. The server keeps the latest mark per
// participant and session.
(function () {
  "use strict";
  const form = document.querySelector("[data-attendance]");
  if (!form) return;
  const KEY = "trilink.attendance.queue";
  const endpoint = form.dataset.endpoint;
  const status = document.getElementById("attendance-status");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let sending = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function load() {
    try {
      const queue = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(queue) ? queue : [];
    } catch (error) {
      return [];
    }
  }

  function store(queue) {
    localStorage.setItem(KEY, JSON.stringify(queue));
  }

  function show() {
    const pending = load().length;
    status.classList.remove("alert-secondary", "alert-success", "alert-warning");
    if (!navigator.onLine && pending) {
      status.classList.add("alert-warning");
      status.textContent = `${status.dataset.textOffline} ${status.dataset.textPending} ${pending}`;
    } else if (pending) {
      status.classList.add("alert-warning");
      status.textContent = `${status.dataset.textPending} ${pending}`;
    } else {
      status.classList.add("alert-success");
      status.textContent = status.dataset.textSaved;
    }
    form.dataset.pending = String(pending);
  }

  function enqueue(participant, value) {
    // A newer mark for the same person replaces one not yet sent.
    const queue = load().filter(
      (mark) => !(mark.endpoint === endpoint && mark.application === participant),
    );
    queue.push({
      endpoint,
      application: participant,
      status: value,
      client_id: newId(),
      marked_at: new Date().toISOString(),
    });
    store(queue);
    show();
    flush();
  }

  async function flush() {
    if (sending) return;
    const queue = load();
    if (!queue.length) return show();
    if (!navigator.onLine) return show();
    sending = true;
    try {
      const byEndpoint = new Map();
      queue.forEach((mark) => {
        if (!byEndpoint.has(mark.endpoint)) byEndpoint.set(mark.endpoint, []);
        byEndpoint.get(mark.endpoint).push(mark);
      });
      for (const [url, marks] of byEndpoint) {
        const response = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ marks }),
        });
        const type = response.headers.get("Content-Type") || "";
        if (!type.includes("application/json")) break; // signed out or a proxy page: retry
        if (!response.ok && response.status >= 500) break;
        const answer = await response.json();
        // Answered marks leave the queue; a refused batch (4xx) would never succeed.
        const done = response.ok
          ? new Set([...answer.saved, ...answer.duplicate, ...answer.stale])
          : new Set(marks.map((mark) => mark.client_id));
        store(load().filter((mark) => !done.has(mark.client_id)));
      }
    } catch (error) {
      // The network is down: the marks stay queued for the next attempt.
    } finally {
      sending = false;
      show();
    }
  }

  function restore() {
    // Marks still queued for this session show as chosen after a reload.
    load()
      .filter((mark) => mark.endpoint === endpoint)
      .forEach((mark) => {
        const input = document.getElementById(`mark-${mark.application}-${mark.status}`);
        if (input) input.checked = true;
      });
  }

  form.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.name || !input.name.startsWith("mark-")) return;
    enqueue(Number(input.name.slice(5)), input.value);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    flush();
  });
  form.querySelectorAll("[data-mark-all]").forEach((button) => {
    button.addEventListener("click", () => {
      const value = button.dataset.markAll;
      form.querySelectorAll(`input[type=radio][value=${value}]`).forEach((input) => {
        if (!input.checked) {
          input.checked = true;
          enqueue(Number(input.name.slice(5)), value);
        }
      });
    });
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  setInterval(flush, 5000);
  restore();
  flush();
  show();
})();
