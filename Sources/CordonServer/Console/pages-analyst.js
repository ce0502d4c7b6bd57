// Analyst pages: the query editor (explain, run, table, chart with 95% error bars,
// funnel, attribution shares, A/B difference, CSV), the budget and the query history.

import * as api from "./api.js";
import { el, replace, table, card, field, select, status, attempt, pre, download, when } from "./ui.js";
import { barChart, gauge } from "./charts.js";

const HISTORY = "cordon.console.history";

const examples = [
  "SELECT country, COUNT(DISTINCT subject) AS buyers FROM events WHERE event = 'purchase' GROUP BY country",
  "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events",
  "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events",
  "SELECT AB(campaign, 'cmp-a', 'cmp-b') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events",
  "SELECT country, COUNT(*) AS people FROM subjects GROUP BY country ORDER BY people DESC LIMIT 10",
];

function history() {
  try {
    return JSON.parse(sessionStorage.getItem(HISTORY) || "[]");
  } catch {
    return [];
  }
}

function remember(sql, purpose, answer) {
  const entries = [{ sql, purpose, at: new Date().toISOString(), rows: answer.rows.length, cached: !!(answer.privacy && answer.privacy.cached) }, ...history()].slice(0, 50);
  sessionStorage.setItem(HISTORY, JSON.stringify(entries));
}

const isNumber = (cell) => cell !== null && typeof cell === "object" && "value" in cell;
const number = (value) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3).replace(/\.?0+$/, ""));

function cellText(cell) {
  if (isNumber(cell)) return cell.ci95 ? `${number(cell.value)} (95%: ${number(cell.ci95[0])} – ${number(cell.ci95[1])})` : number(cell.value);
  return cell === null || cell === undefined ? "" : String(cell);
}

/// The chart that fits the answer's shape.
function chartFor(answer) {
  const columns = answer.columns;
  const rows = answer.rows;
  if (!rows.length) return null;
  const labelOf = (row) => row.filter((cell, i) => !isNumber(cell) && columns[i] !== "step").map(cellText).join(" · ") || "all";
  const barsOf = (index) => rows.filter((row) => isNumber(row[index])).map((row) => ({ label: labelOf(row), value: row[index].value, low: row[index].ci95?.[0], high: row[index].ci95?.[1] }));
  if (columns.includes("conversion_from_first")) {
    return barChart("funnel: subjects at each step", barsOf(columns.indexOf("subjects")), { color: "#6a4c93" });
  }
  if (columns.includes("conversions")) {
    const index = columns.indexOf("conversions");
    const total = rows.reduce((sum, row) => sum + Math.max(0, isNumber(row[index]) ? row[index].value : 0), 0);
    const shares = el("ul", { class: "shares" }, rows.map((row) => el("li", {}, `${labelOf(row)}: ${total > 0 ? ((100 * Math.max(0, row[index].value)) / total).toFixed(1) : "0"}% of conversions`)));
    return el("div", {}, barChart("attribution: conversions credited", barsOf(index), { color: "#1b998b" }), shares);
  }
  if (columns.includes("conversion_rate")) {
    const index = columns.indexOf("conversion_rate");
    const parts = [barChart("A/B: conversion rate per variant", barsOf(index), { color: "#e07a5f" })];
    const [a, b] = rows;
    if (a && b && isNumber(a[index]) && isNumber(b[index])) {
      const difference = b[index].value - a[index].value;
      const half = (cell) => (cell.ci95 ? (cell.ci95[1] - cell.ci95[0]) / 2 : 0);
      const width = Math.sqrt(half(a[index]) ** 2 + half(b[index]) ** 2);
      parts.push(
        el("p", { id: "ab-difference" }, `Difference ${labelOf(b)} − ${labelOf(a)}: ${number(difference)} (95%: ${number(difference - width)} – ${number(difference + width)}; the two intervals combined as independent). `, difference - width > 0 || difference + width < 0 ? "The interval excludes 0." : "The interval includes 0: no clear difference."),
      );
    }
    return el("div", {}, ...parts);
  }
  const index = rows[0].findIndex(isNumber);
  if (index < 0) return null;
  return barChart(`${columns[index]} (95% intervals)`, barsOf(index));
}

function privacySummary(privacy) {
  const pairs = (values) => Object.entries(values || {}).map(([region, value]) => `${value} in ${region}`).join(", ");
  // A region's values may use one mechanism and its group-selecting count another (decision 0014).
  const described = (privacy.regions || []).map((r) =>
    r.selectionMechanism && r.selectionMechanism !== r.mechanism
      ? `${r.mechanism} (${r.selectionMechanism} for the count that selects groups)`
      : r.mechanism).filter(Boolean);
  const mechanisms = [...new Set(described)].join("; ") || privacy.mechanism || "noise";
  return `${mechanisms}, ${Math.round((privacy.confidenceLevel || 0.95) * 100)}% intervals; ε spent: ${pairs(privacy.epsilonSpent) || "0"}; left: ${pairs(privacy.budgetRemaining)}.`;
}

function explainView(plan) {
  const regions = plan.regions || [];
  return card(
    "Explain",
    el("p", {}, `Would cost ε ${Object.entries(plan.epsilonCost || {}).map(([r, e]) => `${e} in ${r}`).join(", ") || "0"}; left after: ${Object.entries(plan.budgetRemaining || {}).map(([r, e]) => `${e} in ${r}`).join(", ")}.`, plan.wouldUseReleasedAnswer ? " Already answered this period: it would cost nothing." : ""),
    table(
      [
        ["region", (r) => r.region || ""],
        ["threshold (people)", (r) => String(r.releaseThreshold ?? r.threshold ?? "")],
        ["ε", (r) => String(r.epsilon ?? "")],
        ["95% half-widths", (r) => (r.statistics || []).map((statistic) => `${statistic.name} ±${number(statistic.halfWidth95)}`).join(", ")],
      ],
      regions,
    ),
    groupingsView(plan.groupings || [], regions.map((r) => r.region)),
    el("details", {}, el("summary", {}, "Full plan"), pre(plan)),
  );
}

/** The people a group needs for the query's grouping and every coarser one (decision 0014). */
function groupingsView(groupings, regionIDs) {
  if (groupings.length < 2) return null;
  return el(
    "div",
    { id: "groupings" },
    el("p", {}, "People a group needs to be released (50% chance), by grouping: pick a coarser one if your groups are smaller."),
    table(
      [
        ["grouping", (g) => (g.dimensions.length ? g.dimensions.join(", ") : "(total)")],
        ["groups per person", (g) => String(g.maxGroupsPerSubject)],
        ...regionIDs.map((id) => [id, (g) => String(g.releaseThreshold?.[id] ?? "-")]),
      ],
      groupings,
    ),
  );
}

/** Which regions a row adds up, and which withheld it. */
function regionsText(coverage) {
  if (!coverage) return "";
  const withheld = coverage.regionsSuppressed.length ? ` (not ${coverage.regionsSuppressed.join(", ")})` : "";
  return coverage.regions.join("+") + withheld;
}

async function editor(container, me) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const sql = el("textarea", { id: "sql", rows: 4, spellcheck: "false" });
  sql.value = params.get("sql") || examples[0];
  const purpose = select("purpose", me.purposes.length ? me.purposes : ["analytics"], params.get("purpose") || (me.purposes.includes("analytics") ? "analytics" : me.purposes[0]));
  const explainButton = el("button", { type: "button", id: "explain" }, "Explain");
  const runButton = el("button", { type: "button", id: "run" }, "Run");
  const line = status();
  const output = el("div", { id: "answer" });
  const help = el(
    "details",
    { class: "help" },
    el("summary", {}, "Dialect help"),
    el("p", {}, "Tables: events (one row per event: country, region, channel, campaign, device, event, day/week/month(ts), amount) and subjects (one row per person: country, region). Aggregates: COUNT(DISTINCT subject), COUNT(*), SUM(amount), AVG(amount); GROUP BY dimensions; WHERE on dimensions and ts; ORDER BY, LIMIT. Shapes: FUNNEL, ATTRIBUTION, AB. Every answer is noisy (differential privacy) and groups below the threshold are suppressed."),
    el("ul", {}, examples.map((example) => el("li", {}, el("a", { href: "#", class: "example", onclick: (event) => { event.preventDefault(); sql.value = example; } }, example)))),
  );
  container.append(help, field("Query", sql), el("div", { class: "actions" }, field("Purpose", purpose), explainButton, runButton), line, output);

  explainButton.addEventListener("click", () =>
    attempt(line, async () => {
      const plan = await api.post("/v1/query", { sql: sql.value, purpose: purpose.value, explain: true });
      line.show("Explained; nothing was read and no budget spent.");
      replace(output, explainView(plan));
    }),
  );
  runButton.addEventListener("click", () =>
    attempt(line, async () => {
      const answer = await api.post("/v1/query", { sql: sql.value, purpose: purpose.value });
      remember(sql.value, purpose.value, answer);
      line.show(`${answer.rows.length} rows released${answer.privacy?.cached ? " (a released answer: no budget spent)" : ""}.`);
      const known = new Set(["query", "purpose", "analyst", "columns", "rows", "rowRegions", "suppressedGroups", "privacy"]);
      const extra = Object.fromEntries(Object.entries(answer).filter(([key]) => !known.has(key)));
      const chart = chartFor(answer);
      replace(
        output,
        card(
          "Answer",
          table(
            [
              ...answer.columns.map((name, i) => [name, ({ row }) => cellText(row[i])]),
              ...(answer.rowRegions ? [["regions", ({ index }) => regionsText(answer.rowRegions[index])]] : []),
            ],
            answer.rows.map((row, index) => ({ row, index })),
            { empty: "No group passed the threshold; Explain shows the people a group needs." },
          ),
          answer.rowRegions ? el("p", { class: "muted" }, "A row's values and intervals add up the regions it names; \"not\": withheld there (too few people, or none).") : null,
          answer.rows.length ? null : el("p", { class: "muted" }, `Columns: ${answer.columns.join(", ")}`),
          answer.suppressedGroups ? el("p", { class: "suppressed", id: "suppressed" }, `About ${number(Math.max(0, answer.suppressedGroups.value))} groups suppressed (fewer people than the threshold).`) : null,
          // The server's CSV (the CLI's too): the same query again returns the released
          // answer for free, with the interval columns, regions and privacy comment lines.
          el(
            "button",
            {
              type: "button",
              id: "csv",
              onclick: () =>
                attempt(line, async () => {
                  const csv = await api.call("POST", "/v1/query", { sql: sql.value, purpose: purpose.value }, { accept: "text/csv" });
                  download("answer.csv", csv, "text/csv");
                }),
            },
            "Download CSV",
          ),
        ),
        chart ? card("Chart", chart) : null,
        card(
          "Privacy",
          el("p", { id: "privacy-summary" }, privacySummary(answer.privacy || {})),
          el("details", {}, el("summary", {}, "Full privacy metadata"), pre(answer.privacy)),
          Object.keys(extra).length ? el("details", {}, el("summary", {}, "Other answer fields"), pre(extra)) : null,
        ),
      );
    }),
  );
}

async function budget(container) {
  const report = await api.get("/v1/budget");
  container.append(
    el("div", { class: "grid" }, report.regions.map((entry) => card(`${entry.region} (${entry.policy})`, gauge(`ε left in ${entry.region}`, parseFloat(entry.remaining), parseFloat(entry.budget)), el("p", {}, `${entry.remaining} of ${entry.budget} left; ${entry.queries} queries; resets ${when(entry.resetsAt)}`)))),
  );
}

function historyView(container) {
  const entries = history();
  container.append(
    el("p", { class: "muted" }, "Queries run in this tab (kept in session storage only). Running one again within the period reuses its released answer at no cost."),
    table([["when", (h) => when(h.at)], ["purpose", (h) => h.purpose], ["query", (h) => el("a", { href: `#/query?${new URLSearchParams({ sql: h.sql, purpose: h.purpose })}` }, h.sql)], ["rows", (h) => String(h.rows)]], entries, { empty: "No queries yet." }),
  );
}

async function dashboard(container, me) {
  await budget(container);
  container.append(el("h2", {}, "Recent queries"));
  historyView(container);
  container.append(el("p", {}, el("a", { href: "#/query" }, "Open the query editor")));
}

export const analystPages = [
  { id: "analyst", title: "Dashboard", roles: ["analyst"], render: dashboard },
  { id: "query", title: "Query", roles: ["analyst"], render: editor },
  { id: "budget", title: "Budget", roles: ["analyst"], render: budget },
  { id: "queries", title: "History", roles: ["analyst"], render: historyView },
];
