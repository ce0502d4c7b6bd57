// Charts with Chart.js (Debian's libjs-chart.js, served at /console/vendor/chart.js and
// loaded as a classic script, so `window.Chart`). When it is missing the pages show their
// tables and say the chart is unavailable.

import { el } from "./ui.js";

/// Draws each bar's 95% interval as a whisker: `dataset.intervals[i] = [low, high]`.
const errorBars = {
  id: "cordonErrorBars",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((dataset, datasetIndex) => {
      const meta = chart.getDatasetMeta(datasetIndex);
      if (!dataset.intervals || meta.hidden) return;
      const scale = chart.scales[meta.yAxisID];
      ctx.save();
      ctx.strokeStyle = "#1f2933";
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, index) => {
        const interval = dataset.intervals[index];
        if (!interval) return;
        const [low, high] = interval.map((value) => scale.getPixelForValue(value));
        const cap = Math.min(8, bar.width / 4);
        ctx.beginPath();
        ctx.moveTo(bar.x, low);
        ctx.lineTo(bar.x, high);
        ctx.moveTo(bar.x - cap, low);
        ctx.lineTo(bar.x + cap, low);
        ctx.moveTo(bar.x - cap, high);
        ctx.lineTo(bar.x + cap, high);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

export function available() {
  return typeof window.Chart === "function";
}

function canvasBox(label) {
  const canvas = el("canvas", { role: "img", "aria-label": label });
  return { box: el("div", { class: "chart" }, canvas), canvas };
}

/// A bar chart: `bars` are { label, value, low, high } (low/high optional → no whisker).
export function barChart(title, bars, { horizontal = false, color = "#3b6ea8" } = {}) {
  if (!available()) return el("p", { class: "muted" }, "Chart unavailable: Chart.js is not installed on the server.");
  const { box, canvas } = canvasBox(title);
  const chart = new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: bars.map((bar) => bar.label),
      datasets: [
        {
          label: title,
          data: bars.map((bar) => bar.value),
          intervals: bars.map((bar) => (bar.low !== undefined ? [bar.low, bar.high] : null)),
          backgroundColor: color,
        },
      ],
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, title: { display: true, text: title } },
    },
    plugins: horizontal ? [] : [errorBars],
  });
  box.chart = chart;
  canvas.dataset.bars = String(bars.length);
  return box;
}

/// A budget gauge: the share of ε left, as a half doughnut.
export function gauge(title, remaining, budget) {
  const left = Math.max(0, Math.min(remaining, budget));
  if (!available()) return el("p", {}, `${title}: ${left} of ${budget} ε left`);
  const { box, canvas } = canvasBox(title);
  box.classList.add("gauge");
  box.chart = new window.Chart(canvas, {
    type: "doughnut",
    data: {
      labels: ["left", "spent"],
      datasets: [{ data: [left, budget - left], backgroundColor: [left / budget < 0.2 ? "#c0392b" : "#2e8b57", "#d9dee3"] }],
    },
    options: {
      rotation: -90,
      circumference: 180,
      cutout: "65%",
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false }, title: { display: true, text: title } },
    },
  });
  return box;
}
