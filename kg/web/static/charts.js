// The charts page: each <section data-chart=NAME> is drawn with Chart.js (vendor/chart.umd.min.js)
// from /api/chart/NAME, the rows of a canned query. Drawn charts are kept in window.kgCharts.
"use strict";

const PALETTE = ["#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7b5ea7", "#3a9fbf", "#a0782c", "#5a6b7b", "#c2549d", "#6f9a2f", "#8c4b2f", "#2f4f8c"];
const colour = (i) => PALETTE[i % PALETTE.length];
const billions = (value) => Math.round(value / 1e7) / 100;
const short = (text, size) => (text.length > size ? `${text.slice(0, size - 1)}…` : text);
const money = (value, unit = "USD") => `${unit} ${billions(value).toLocaleString("en")} bn`;

function note(box, text) {
  const line = document.createElement("p");
  line.textContent = text;
  box.append(line);
}

const BUILDERS = {
  market_size(data, notes) {
    const datasets = data.series.map((s, i) => ({
      label: `${short(s.market, 40)} (${short(s.document, 36)})`,
      fullLabel: `${s.market} (${s.document})`,
      data: s.points.map((p) => ({ x: p.x, y: billions(p.y), forecast: p.forecast })),
      borderColor: colour(i), backgroundColor: colour(i),
      pointStyle: s.points.map((p) => (p.forecast ? "triangle" : "circle")), pointRadius: 5, showLine: true,
    }));
    for (const c of data.conflicts) {
      note(notes, `Sources disagree on the ${c.market} in ${c.year}: ` + c.estimates.map((e) => `${money(e.value, data.unit)} (${e.document})`).join(" vs "));
    }
    const others = Object.entries(data.other_units);
    if (others.length) note(notes, `Not drawn (other currencies): ${others.map(([unit, n]) => `${n} in ${unit}`).join(", ")}; see the table.`);
    return {
      type: "scatter",
      data: { datasets },
      options: {
        scales: { x: { type: "linear", title: { display: true, text: "year" }, ticks: { precision: 0, callback: (v) => String(v) } },
                  y: { title: { display: true, text: `${data.unit} billion` }, beginAtZero: true } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 10, font: { size: 11 } } },
                   tooltip: { callbacks: { label: (item) => `${item.dataset.fullLabel}: ${data.unit} ${item.parsed.y} bn in ${item.parsed.x}${item.raw.forecast ? " (forecast)" : ""}` } } },
      },
    };
  },
  deals(data) {
    const datasets = data.kinds.map((k, i) => ({ type: "bar", label: k.kind, data: k.deals, backgroundColor: k.colour || colour(i), stack: "deals", yAxisID: "y" }));
    datasets.push({ type: "line", label: "value, USD bn", data: data.value_usd.map((v) => (v === null ? null : billions(v))), borderColor: "#222", backgroundColor: "#222", yAxisID: "value", spanGaps: false });
    return {
      type: "bar",
      data: { labels: data.years.map(String), datasets },
      options: {
        scales: { y: { stacked: true, title: { display: true, text: "deals" }, ticks: { precision: 0 } },
                  x: { stacked: true },
                  value: { position: "right", beginAtZero: true, title: { display: true, text: "USD billion (deals with a known value)" }, grid: { drawOnChartArea: false } } },
        plugins: { legend: { position: "bottom" } },
      },
    };
  },
  regulatory(data) {
    const kinds = [["approval", "approvals", "circle"], ["designation", "designations", "triangle"]];
    const datasets = kinds.map(([kind, label, style], i) => ({
      label, pointStyle: style, pointRadius: 6, backgroundColor: data.colours[kind] || colour(i), borderColor: data.colours[kind] || colour(i),
      data: data.points.filter((p) => p.kind === kind).map((p) => ({ x: p.x, y: p.jurisdiction, label: p.label, date: p.date })),
    }));
    return {
      type: "scatter",
      data: { datasets },
      options: {
        scales: { x: { type: "linear", title: { display: true, text: "date" }, ticks: { precision: 0, callback: (v) => String(v) } },
                  y: { type: "category", labels: data.jurisdictions, offset: true } },
        plugins: { legend: { position: "bottom" }, tooltip: { callbacks: { label: (item) => `${item.raw.label}, ${item.raw.date}, ${item.raw.y}` } } },
      },
    };
  },
  pipeline(data) {
    return {
      type: "bar",
      data: { labels: data.phases, datasets: [{ label: "products", data: data.products, backgroundColor: data.phases.map((_, i) => colour(i)) }] },
      options: {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "products" } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: { afterLabel: (item) => data.names[item.dataIndex].join(", ") } } },
      },
    };
  },
};

async function drawChart(section) {
  const name = section.dataset.chart;
  const notes = section.querySelector(".chart-notes");
  const response = await fetch(`/api/chart/${encodeURIComponent(name)}`);
  const chart = await response.json();
  if (!response.ok) { note(notes, chart.error); return; }
  section.querySelector(".chart-title").textContent = chart.title;
  const source = section.querySelector(".chart-source");
  const link = document.createElement("a");
  link.href = `/query?canned=${encodeURIComponent(chart.query)}`;
  link.textContent = chart.query;
  source.append("From the canned query ", link, " (the table, CSV and JSON are there).");
  const config = BUILDERS[name](chart.data, notes);
  config.options = { ...config.options, responsive: true, maintainAspectRatio: false, animation: false };
  window.kgCharts[name] = new window.Chart(section.querySelector("canvas"), config);
  section.dataset.state = "drawn";
}

document.addEventListener("DOMContentLoaded", () => {
  window.kgCharts = {};
  document.querySelectorAll("section[data-chart]").forEach((section) => {
    drawChart(section).catch((error) => note(section.querySelector(".chart-notes"), `the chart could not be drawn: ${error}`));
  });
});
