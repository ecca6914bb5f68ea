// Draws the jury ranking's chart from its json_script data: per candidature, a floating bar from
// mean − standard deviation to mean + standard deviation, and the mean as a point, in the table's order.
// The same numbers are in the table under the chart, which is what screen readers and printouts use.
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
  box.style.height = Math.max(240, data.labels.length * 24 + 80) + "px";

  var locale = document.documentElement.lang || "fr";
  var number = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  new window.Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "line",
          label: data.meanLabel,
          data: data.means,
          showLine: false,
          pointRadius: 5,
          pointHoverRadius: 6,
          backgroundColor: "#161616",
          borderColor: "#ffffff",
          pointBackgroundColor: "#161616",
          pointBorderColor: "#ffffff",
          pointBorderWidth: 2,
          order: 0,
        },
        {
          type: "bar",
          label: data.rangeLabel,
          data: data.ranges,
          backgroundColor: "#8585f6",
          borderColor: "#000091",
          borderWidth: 1,
          borderSkipped: false,
          pointStyle: "rect",
          order: 1,
        },
      ],
    },
    options: {
      indexAxis: "y",
      locale: locale,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: "top", labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = context.raw;
              if (Array.isArray(value)) {
                return context.dataset.label + " : " + number.format(value[0]) + " – " + number.format(value[1]);
              }
              return context.dataset.label + " : " + number.format(value);
            },
          },
        },
      },
      scales: {
        x: { min: 0, max: 20, ticks: { stepSize: 2 } },
        y: { ticks: { autoSkip: false } },
      },
    },
  });
})();
