// Small behaviours shared by every page; no inline script is allowed by the CSP.
document.addEventListener("DOMContentLoaded", () => {
  // Move the focus to the error summary so screen-reader users hear what to fix.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }

  // A live character counter under every limited text area that asks for one.
  const lang = document.documentElement.lang || "fr";
  const remainingText = (left) =>
    lang === "en"
      ? `${left} character${Math.abs(left) === 1 ? "" : "s"} left`
      : `${left} caractère${Math.abs(left) > 1 ? "s" : ""} restant${Math.abs(left) > 1 ? "s" : ""}`;

  document.querySelectorAll("textarea[data-counter][maxlength]").forEach((area) => {
    const max = Number(area.getAttribute("maxlength"));
    const counter = document.createElement("p");
    counter.className = "char-counter mb-0";
    counter.id = `${area.id}-counter`;
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    const described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", described ? `${described} ${counter.id}` : counter.id);
    const update = () => {
      const left = max - area.value.length;
      counter.textContent = remainingText(left);
      counter.classList.toggle("is-over", left < 0);
    };
    area.addEventListener("input", update);
    update();
  });
});
