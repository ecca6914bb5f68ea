// Draws the edition dashboard's "submissions per day" chart from its json_script data, with a dashed line
// after the deadline's day. The same figures are in the table under it, for screen readers and printouts.
(function () {
  "use strict";

  var source = document.getElementById("submissions-per-day");
  var canvas = document.getElementById("submissions-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var blue = "#000091";
  var red = "#ce0500";
  // Room above the plot for the deadline's label, in CSS pixels.
  var LABEL_BAND = 20;

  // The deadline falls at the end of its day: the line runs between that day's bar and the next one.
  var deadlineLine = {
    id: "deadlineLine",
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x;
      var area = chart.chartArea;
      var index = data.deadline;
      var at = index + 1 < data.days.length
        ? (x.getPixelForValue(index) + x.getPixelForValue(index + 1)) / 2
        : area.right;
      var context = chart.ctx;
      context.save();
      context.strokeStyle = red;
      context.lineWidth = 2;
      context.setLineDash([6, 4]);
      context.beginPath();
      context.moveTo(at, area.top);
      context.lineTo(at, area.bottom);
      context.stroke();
      context.setLineDash([]);
      // The label sits in the band kept free above the bars (layout.padding.top), so no bar runs under it.
      context.fillStyle = red;
      context.font = "bold 12px system-ui, sans-serif";
      context.textBaseline = "bottom";
      var width = context.measureText(data.deadlineLabel).width;
      context.textAlign = at + width / 2 > chart.width ? "right" : at - width / 2 < 0 ? "left" : "center";
      context.fillText(data.deadlineLabel, at, area.top - 4);
      context.restore();
    },
  };

  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.days,
      datasets: [{ label: data.label, data: data.counts, backgroundColor: blue }],
    },
    options: {
      locale: document.documentElement.lang || "fr",
      maintainAspectRatio: false,
      animation: false,
      layout: { padding: { top: LABEL_BAND } },
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
    plugins: [deadlineLine],
  });
})();
