// Draws the distribution of the jury ranking's means from its json_script data: per one-point band on 20,
// how many candidatures are not eliminated and, stacked on top, how many are eliminated.
// The same counts are in the table under the chart, which is what screen readers and printouts use.
(function () {
  "use strict";

  var source = document.getElementById("ranking-chart-data");
  var canvas = document.getElementById("ranking-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var box = canvas.parentNode;
  box.style.position = "relative";
  box.style.maxWidth = "60rem";
  box.style.height = "18rem";

  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.keptLabel,
          data: data.kept,
          backgroundColor: "#000091",
          borderColor: "#000091",
          borderWidth: 1,
        },
        {
          label: data.eliminatedLabel,
          data: data.eliminated,
          backgroundColor: "#f4a3a3",
          borderColor: "#ce0500",
          borderWidth: 1,
        },
      ],
    },
    options: {
      locale: document.documentElement.lang || "fr",
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "top" } },
      scales: {
        x: { stacked: true, title: { display: true, text: data.axisLabel } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.countLabel } },
      },
    },
  });
})();
