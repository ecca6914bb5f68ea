// Draws the "submissions per day" chart of an edition's admin page from its json_script data.
// The numbers are also in the table beside it, which is what screen readers and printouts use.
(function () {
  "use strict";

  var source = document.getElementById("submissions-per-day");
  var canvas = document.getElementById("submissions-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var box = canvas.parentNode;
  box.style.position = "relative";
  box.style.maxWidth = "60rem";
  box.style.height = "18rem";
  box.style.margin = "1rem";

  var styles = window.getComputedStyle(document.body);
  var accent = styles.getPropertyValue("--primary").trim() || "#417690";
  var text = styles.getPropertyValue("--body-fg").trim() || "#333";

  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.days,
      datasets: [{ label: data.label, data: data.counts, backgroundColor: accent }],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { color: text } },
        y: { beginAtZero: true, ticks: { precision: 0, color: text } },
      },
    },
  });
})();
