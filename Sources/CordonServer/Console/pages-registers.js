// The DPO's registers (decision 0019): breaches with each region's notification clocks,
// the record of processing generated from the policies, and the cross-border transfer gate.
// Every value reaches the page as text; the server computes the deadlines and time left.

import * as api from "./api.js";
import { el, replace, table, card, field, select, status, attempt, when, download } from "./ui.js";
import { resolveSubject } from "./pages-dpo.js";

const urgent = (deadline) => deadline.state === "overdue" || deadline.state === "due_now";

function isoFromLocal(value) {
  return value ? new Date(value).toISOString() : undefined;
}

/// One line per duty: "eu authority: 2d 3h left (due …)", overdue ones marked.
function deadlineList(deadlines) {
  return el(
    "ul",
    { class: "deadlines" },
    deadlines.map((d) =>
      el(
        "li",
        { class: urgent(d) ? "overdue" : null, "data-state": d.state, "data-region": d.region, "data-recipient": d.recipient },
        `${d.region} ${d.recipient}: ${d.timeLeft}`,
        d.dueAt ? ` (due ${when(d.dueAt)})` : "",
      ),
    ),
  );
}

function regionBoxes(regions, name) {
  return el(
    "span",
    { class: "checks" },
    regions.map((region) => el("label", {}, el("input", { type: "checkbox", name, value: region.id }), ` ${region.id}`)),
  );
}

const csv = (text) => (text || "").split(",").map((item) => item.trim()).filter(Boolean);

async function breaches(container) {
  const { regions } = await api.get("/v1/regions");
  const line = status();
  const showClosed = el("input", { type: "checkbox", id: "breaches-all" });
  const list = el("div", { id: "breach-list" });
  const detail = el("div", { id: "breach-detail" });
  const openForm = el(
    "form",
    { class: "filters", id: "breach-open" },
    field("Title (no personal data)", el("input", { name: "title", required: true, maxlength: 200 })),
    field("Detected at (your time)", el("input", { name: "detectedAt", type: "datetime-local", required: true })),
    field("Regions affected", regionBoxes(regions, "regions")),
    field("Categories (comma-separated)", el("input", { name: "categories", placeholder: "user.contact.email, user.name" })),
    field("Subjects (estimate)", el("input", { name: "subjectsEstimate", type: "number", min: 0 })),
    el("button", { type: "submit" }, "Register breach"),
  );
  container.append(
    el("label", { class: "inline" }, showClosed, " include closed breaches"),
    line,
    list,
    detail,
    card("Register a breach", openForm),
  );

  async function load() {
    const answer = await attempt(line, () => api.get("/v1/breaches" + api.query({ all: showClosed.checked ? "true" : "" })));
    if (!answer) return;
    const overdue = answer.breaches.filter((b) => b.overdue).length;
    line.show(`${answer.breaches.length} breaches; ${overdue} need a notice now.`, overdue ? "error" : "note");
    replace(
      list,
      table(
        [
          ["breach", (b) => b.id],
          ["title", (b) => b.title],
          ["detected", (b) => when(b.detectedAt)],
          ["regions", (b) => b.regions.join(", ")],
          ["notification deadlines", (b) => deadlineList(b.deadlines)],
          ["status", (b) => (b.overdue ? "OVERDUE" : b.status)],
          ["", (b) => el("button", { type: "button", "data-open": b.id, onclick: () => show(b.id) }, "Open")],
        ],
        answer.breaches,
        { empty: "No breaches registered.", rowClass: (b) => (b.overdue ? "overdue" : null) },
      ),
    );
  }

  async function show(id) {
    const path = `/v1/breaches/${encodeURIComponent(id)}`;
    const b = await attempt(line, () => api.get(path));
    if (!b) return;
    const done = async (work, note) => {
      if ((await attempt(line, work)) === undefined) return;
      line.show(note, "ok");
      await load();
      await show(id);
    };
    const facts = table(
      [["field", (r) => r[0]], ["value", (r) => r[1]]],
      [
        ["title", b.title],
        ["status", b.closedAt ? `closed ${when(b.closedAt)}: ${b.closingNote}` : b.status],
        ["detected", when(b.detectedAt)],
        ["regions", b.regions.join(", ")],
        ["categories", b.categories.join(", ")],
        ["subjects (estimate)", b.subjectsEstimate ?? "not recorded"],
        ["nature", b.nature ?? "not recorded"],
        ["likely consequences", b.consequences ?? "not recorded"],
        ["measures", b.measures ?? "not recorded"],
        ["contact", b.contact ?? "not recorded"],
        ["opened", `${when(b.openedAt)} by ${b.openedBy}`],
      ],
    );
    const duties = table(
      [
        ["region", (d) => d.region],
        ["to", (d) => d.recipient],
        ["law", (d) => `${d.policy}: ${d.timing}${d.period ? " " + d.period : ""}${d.dayCount ? " " + d.dayCount : ""} from ${d.from}`],
        ["due", (d) => when(d.dueAt) || "—"],
        ["time left", (d) => d.timeLeft],
        ["condition and source", (d) => [d.condition ? el("div", {}, d.condition) : null, el("div", { class: "muted" }, d.source)]],
      ],
      b.deadlines,
      { rowClass: (d) => (urgent(d) ? "overdue" : null) },
    );
    const notes = table(
      [["region", (n) => n.region], ["to", (n) => n.recipient], ["outcome", (n) => n.outcome], ["at", (n) => when(n.notifiedAt)], ["reference", (n) => n.reference]],
      b.notifications,
      { empty: "No notification recorded yet." },
    );
    const children = [card(`Breach ${b.id}`, facts), card("Notification deadlines", duties), card("Notifications recorded", notes)];
    if (b.status === "open") {
      const notify = el(
        "form",
        { class: "filters", id: "breach-notify" },
        field("To", select("to", ["authority", "subjects"], "authority")),
        field("Region", select("region", [["", "every affected region"], ...b.regions.map((r) => [r, r])], "")),
        field("Sent at (empty: now)", el("input", { name: "at", type: "datetime-local" })),
        field("Reference (case number; or why not required)", el("input", { name: "reference", required: true })),
        el("label", { class: "inline" }, el("input", { type: "checkbox", name: "notRequired" }), " not required (the law's condition is not met)"),
        el("button", { type: "submit" }, "Record notification"),
      );
      notify.addEventListener("submit", (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(notify));
        const body = { to: data.to, reference: data.reference, at: isoFromLocal(data.at), regions: data.region ? [data.region] : undefined, notRequired: data.notRequired === "on" };
        done(() => api.post(`${path}/notifications`, body), `Notification to the ${data.to} recorded.`);
      });
      const update = el(
        "form",
        { class: "filters", id: "breach-update" },
        ["nature", "consequences", "measures", "contact"].map((name) => field(name, el("input", { name, value: b[name] ?? "" }))),
        field("Subjects (estimate)", el("input", { name: "subjectsEstimate", type: "number", min: 0, value: b.subjectsEstimate ?? "" })),
        field("Categories", el("input", { name: "categories", value: b.categories.join(", ") })),
        el("button", { type: "submit" }, "Update"),
      );
      update.addEventListener("submit", (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(update));
        const body = {};
        for (const name of ["nature", "consequences", "measures", "contact"]) if (data[name] && data[name] !== b[name]) body[name] = data[name];
        if (data.subjectsEstimate !== "" && Number(data.subjectsEstimate) !== b.subjectsEstimate) body.subjectsEstimate = Number(data.subjectsEstimate);
        if (data.categories !== b.categories.join(", ")) body.categories = csv(data.categories);
        done(() => api.call("PATCH", path, body), "Breach updated.");
      });
      const close = el(
        "form",
        { class: "filters", id: "breach-close" },
        field("Closing note", el("input", { name: "note", required: true })),
        el("button", { type: "submit", class: "danger" }, "Close breach"),
      );
      close.addEventListener("submit", (event) => {
        event.preventDefault();
        done(() => api.post(`${path}/close`, { note: new FormData(close).get("note") }), "Breach closed.");
      });
      children.push(card("Record a notification", notify), card("Complete the register", update), card("Close", close));
    }
    const scopeBox = el("div", { id: "breach-scope" });
    const noticeBox = el("div", { id: "breach-notice" });
    const noticeForm = el(
      "form",
      { class: "filters", id: "breach-notice-form" },
      field("Region", select("region", b.regions, b.regions[0])),
      field("To", select("to", ["authority", "subjects"], "authority")),
      el("button", { type: "submit" }, "Draft notice"),
    );
    noticeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      attempt(line, async () => {
        const data = Object.fromEntries(new FormData(noticeForm));
        const notice = await api.get(`${path}/notice` + api.query({ region: data.region, to: data.to }));
        const markdown = el("button", { type: "button", onclick: () => attempt(line, async () => download(`${b.id}-${data.region}-${data.to}.md`, await api.call("GET", `${path}/notice` + api.query({ region: data.region, to: data.to, format: "md" }), undefined, { accept: "text/markdown" }), "text/markdown")) }, "Download Markdown");
        replace(
          noticeBox,
          el("p", {}, `${notice.law} — ${notice.recipient}; ${notice.source}`),
          table([["field", (f) => f.name], ["article", (f) => f.article], ["value", (f) => f.value ?? el("span", { class: "error" }, `missing: ${f.fill || "record it above"}`)]], notice.fields),
          notice.missing.length ? el("p", { class: "warning" }, `Missing: ${notice.missing.join(", ")}`) : el("p", { class: "status ok" }, "Every required field is filled."),
          markdown,
        );
      });
    });
    const scopeButton = el("button", { type: "button", id: "breach-scope-run" }, "Count the scope (30 days before detection to now)");
    scopeButton.addEventListener("click", () =>
      attempt(line, async () => {
        const scope = await api.get(`${path}/scope`);
        replace(
          scopeBox,
          el("p", { class: "muted" }, `Window ${when(scope.from)} – ${when(scope.to)}${scope.truncated ? " (audit entries capped: counts are a lower bound)" : ""}`),
          table([["region", (r) => r.region], ["subjects", (r) => String(r.subjects)], ["events", (r) => String(r.events)], ["events in window", (r) => String(r.eventsInWindow)], ["categories", (r) => r.categories.join(", ")]], scope.regions),
          el("h3", {}, "Accesses in the window"),
          table([["action", (a) => a.action], ["who", (a) => a.actorName || a.actor], ["role", (a) => a.role], ["entries", (a) => String(a.entries)], ["subjects", (a) => String(a.subjects)], ["regions", (a) => a.regions.join(", ")]], scope.accesses, { empty: "No access recorded in the window." }),
        );
      }),
    );
    children.push(card("Scope from the vault", scopeButton, scopeBox), card("Notice draft", noticeForm, noticeBox));
    replace(detail, ...children);
  }

  showClosed.addEventListener("change", load);
  openForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(openForm);
    const body = {
      title: data.get("title"),
      detectedAt: isoFromLocal(data.get("detectedAt")),
      regions: data.getAll("regions"),
      categories: csv(data.get("categories")),
      subjectsEstimate: data.get("subjectsEstimate") === "" ? undefined : Number(data.get("subjectsEstimate")),
    };
    attempt(line, async () => {
      const opened = await api.post("/v1/breaches", body);
      openForm.reset();
      await load();
      line.show(`Registered ${opened.id}.`, "ok");
      await show(opened.id);
    });
  });
  await load();
}

async function ropa(container) {
  const line = status();
  const record = await api.get("/v1/ropa");
  const regions = [...new Set(record.entries.map((e) => e.region).filter(Boolean))].sort();
  const filter = select("ropa-region", ["", ...regions], "");
  const body = el("div", { id: "ropa" });
  const save = (format, type) => () => attempt(line, async () => download(`ropa.${format}`, await api.call("GET", `/v1/ropa?format=${format}`, undefined, { accept: type }), type));
  container.append(
    el("p", { class: "muted" }, `Generated ${when(record.generatedAt)} from catalog ${record.catalogVersion} and the policies in force; every value names its source.`),
    el("div", { class: "actions" }, field("Region", filter), el("button", { type: "button", onclick: save("md", "text/markdown") }, "Download Markdown"), el("button", { type: "button", onclick: save("csv", "text/csv") }, "Download CSV")),
    line,
    body,
  );
  const titles = { controller: "Controller and storage", activity: "Processing activities", transfers: "Transfers and safeguards", measures: "Technical and organisational measures", "impact-assessment": "Impact assessments (PIPL Art. 55-56)" };
  function render() {
    const region = filter.value;
    const shown = record.entries.filter((e) => !region || !e.region || e.region === region);
    const sections = [...new Set(shown.map((e) => e.section))];
    replace(
      body,
      sections.map((section) =>
        el(
          "section",
          { class: "card", "data-section": section },
          el("h2", {}, titles[section] || section),
          table([["purpose", (e) => e.purpose || ""], ["region", (e) => e.region || "all"], ["field", (e) => e.field], ["value", (e) => e.value], ["source", (e) => el("span", { class: "muted" }, e.source)]], shown.filter((e) => e.section === section)),
        ),
      ),
    );
  }
  filter.addEventListener("change", render);
  render();
}

async function transfers(container) {
  const line = status();
  const list = el("div", { id: "transfer-list" });
  const receipt = el("div", { id: "transfer-receipt" });
  const year = el("input", { type: "number", id: "transfer-year", min: 1970, max: 9999, placeholder: "all years" });
  const mechanisms = ["cac-standard-contract", "certification", "security-assessment", "scc", "adequacy", "consent"];
  const form = el(
    "form",
    { class: "filters", id: "transfer-request" },
    field("Subject (email, external id or subject id)", el("input", { name: "subject", required: true })),
    field("To (country, ISO 3166-1 alpha-2)", el("input", { name: "to", required: true, maxlength: 2, placeholder: "DE" })),
    field("Mechanism", select("mechanism", mechanisms, "cac-standard-contract")),
    field("Reference (contract, filing)", el("input", { name: "reference" })),
    el("label", { class: "inline" }, el("input", { type: "checkbox", name: "sensitive" }), " sensitive personal information"),
    el("button", { type: "submit" }, "Record transfer"),
  );
  container.append(
    el("p", { class: "muted" }, "Recording a transfer moves no data: the person's data leave only as the audited subject export. Under PIPL the person's separate consent (Art. 39) must be recorded first as a consent for cross_border_transfer."),
    card("Request a transfer", form, receipt),
    el("div", { class: "actions" }, field("Year", year)),
    line,
    list,
  );
  async function load() {
    const answer = await attempt(line, () => api.get("/v1/transfers" + api.query({ year: year.value })));
    if (!answer) return;
    replace(
      list,
      table(
        [
          ["transfer", (t) => t.id],
          ["requested", (t) => when(t.requestedAt)],
          ["from → to", (t) => `${t.region} → ${t.destination}`],
          ["mechanism", (t) => t.mechanism + (t.reference ? ` (${t.reference})` : "")],
          ["sensitive", (t) => (t.sensitive ? "yes" : "no")],
          ["separate consent", (t) => t.separateConsent || "—"],
          ["policy", (t) => `${t.policy} ${t.policyVersion}`],
          ["by", (t) => t.requestedBy],
        ],
        answer.transfers,
        { empty: "No transfers recorded." },
      ),
    );
  }
  year.addEventListener("change", load);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    replace(receipt);
    attempt(line, async () => {
      const data = Object.fromEntries(new FormData(form));
      const subjectId = await resolveSubject(data.subject);
      const answer = await api.post("/v1/transfers", { subjectId, to: data.to, mechanism: data.mechanism, reference: data.reference || undefined, sensitive: data.sensitive === "on" });
      const t = answer.transfer;
      replace(
        receipt,
        el("p", { class: "status ok" }, `Recorded ${t.id}: ${t.region} → ${t.destination} under ${t.mechanism}; ${answer.peopleThisYear} people transferred from ${t.region} this year.`),
        answer.warnings.map((warning) => el("p", { class: "warning", "data-warning": "tier" }, warning)),
      );
      line.show("Next: export the person's data from the DSR desk.", "note");
      await load();
    });
  });
  await load();
}

export const registerPages = [
  { id: "breaches", title: "Breaches", roles: ["dpo", "admin"], render: breaches },
  { id: "ropa", title: "Records of processing", roles: ["dpo", "admin"], render: ropa },
  { id: "transfers", title: "Transfers", roles: ["dpo", "admin"], render: transfers },
];
