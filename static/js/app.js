// Small behaviours shared by every page; no inline script is allowed by the CSP.
document.addEventListener("DOMContentLoaded", () => {
  // Move the focus to the error summary so screen-reader users hear what to fix.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
});
