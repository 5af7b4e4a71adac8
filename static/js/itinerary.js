// The printable itinerary's "Print" button (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
