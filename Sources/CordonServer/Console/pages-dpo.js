// DPO pages: dashboard, audit explorer, a subject's access history with every entry's
// inclusion proof verified here, log integrity against a saved checkpoint, policies.

import * as api from "./api.js";
import { el, replace, table, card, field, select, status, attempt, verdict, when, pre, download } from "./ui.js";
import * as verify from "./verify.js";
import { barChart } from "./charts.js";

/// A subject typed as an email, subject id, audit pseudonym or external id → the
/// `subject` argument of GET /v1/audit/entries (a subject id or pseudonym).
export async function resolveSubject(text) {
  const value = text.trim();
  if (!value) return undefined;
  if (/^[0-9a-f]{32}$/.test(value) || value.startsWith("p-")) return value;
  const found = await api.get("/v1/subjects/lookup" + api.query(value.includes("@") ? { email: value } : { externalId: value }));
  if (!found.subjects.length) throw new api.APIError(404, "subject_not_found", "no subject with that email or external id in your regions");
  return found.subjects[0].subjectId;
}

/// The current signed checkpoint and the log's key, checked here.
export async function signedCheckpoint() {
  const [text, keyText] = await Promise.all([api.get("/v1/audit/checkpoint"), api.get("/v1/audit/pubkey")]);
  const checkpoint = verify.parseCheckpoint(text);
  const key = await verify.parseVerifierKey(keyText);
  const signed = await verify.checkpointSigned(checkpoint, key);
  return { text, checkpoint, key, keyText: keyText.trim(), signed };
}

function signatureVerdict(signed) {
  if (signed === null) return verdict(false, "this browser cannot check Ed25519; run cordon audit verify");
  return verdict(signed, signed ? "checkpoint signature valid (Ed25519, checked in the browser)" : "checkpoint signature INVALID");
}

/// Verifies entries against one signed checkpoint; calls `show(entry, result)` for each.
/// The server serves its stored checkpoint while it is younger than a second (decision 0018),
/// so an entry appended just now is covered a second later: the checkpoint is fetched again,
/// for up to five seconds, before an entry is called newer than it.
export async function verifyEntries(entries, show) {
  const newest = Math.max(-1, ...entries.map((entry) => entry.sequence));
  let signed = await signedCheckpoint();
  for (let retry = 0; retry < 10 && signed.signed !== false && newest >= signed.checkpoint.size; retry++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    signed = await signedCheckpoint();
  }
  for (const entry of entries) {
    let result;
    if (signed.signed === false) result = { ok: false, reason: "the checkpoint's signature is invalid" };
    else if (entry.sequence >= signed.checkpoint.size) result = { ok: false, reason: "newer than the checkpoint" };
    else {
      try {
        const proof = await api.get("/v1/audit/proof/inclusion" + api.query({ index: entry.sequence, treeSize: signed.checkpoint.size }));
        result = await verify.verifyInclusion(entry, proof, signed.checkpoint);
      } catch (error) {
        result = { ok: false, reason: error.message };
      }
    }
    show(entry, result);
  }
  return signed;
}

function entryRow(entry) {
  const summary = el(
    "summary",
    {},
    el("span", { class: "seq" }, `#${entry.sequence}`),
    " ",
    when(entry.time),
    " · ",
    el("b", {}, entry.action),
    " · ",
    entry.actorName || entry.actor,
    " · ",
    el("span", { class: `outcome ${entry.outcome}` }, entry.outcome),
    entry.regions.length ? ` · ${entry.regions.join(", ")}` : "",
  );
  const slot = el("span", { class: "proof-slot" });
  const details = el("details", { class: "entry", "data-sequence": entry.sequence }, summary, slot, pre(entry));
  details.proofSlot = slot;
  return details;
}

async function dashboard(container) {
  const line = status();
  const requestsBox = el("div");
  const volumeBox = el("div");
  const checkpointBox = el("div");
  container.append(line, el("div", { class: "grid" }, card("Data-subject requests", requestsBox), card("Last checkpoint", checkpointBox)), card("Today's audit volume by action", volumeBox));
  await attempt(line, async () => {
    const { requests } = await api.get("/v1/dsr?status=all");
    const open = requests.filter((request) => request.daysLeft !== null && request.daysLeft !== undefined);
    const overdue = requests.filter((request) => request.overdue);
    const week = open.filter((request) => !request.overdue && request.daysLeft <= 7);
    replace(
      requestsBox,
      el("p", { class: "big" }, el("span", { "data-count": "due-week" }, String(week.length)), " due this week"),
      el("p", { class: overdue.length ? "big overdue" : "big" }, el("span", { "data-count": "overdue" }, String(overdue.length)), " overdue"),
      el("p", {}, el("a", { href: "#/dsr" }, "Open the DSR desk")),
    );
  });
  await attempt(line, async () => {
    const signed = await signedCheckpoint();
    replace(checkpointBox, el("p", {}, `${signed.checkpoint.size} entries`), el("p", { class: "mono" }, verify.toHex(signed.checkpoint.root)), signatureVerdict(signed.signed));
  });
  await attempt(line, async () => {
    const midnight = new Date();
    midnight.setUTCHours(0, 0, 0, 0);
    const { entries } = await api.get("/v1/audit/entries" + api.query({ since: midnight.toISOString(), limit: 1000 }));
    const counts = new Map();
    for (const entry of entries) counts.set(entry.action, (counts.get(entry.action) || 0) + 1);
    const bars = [...counts].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value }));
    replace(volumeBox, bars.length ? barChart("entries today (UTC)", bars, { horizontal: true }) : el("p", { class: "muted" }, "No entries today."), table([["action", (r) => r.label], ["entries", (r) => String(r.value)]], bars));
  });
}

function isoFromLocal(value) {
  return value ? new Date(value).toISOString() : undefined;
}

async function explorer(container) {
  const { regions } = await api.get("/v1/regions");
  const form = el(
    "form",
    { class: "filters" },
    field("Subject (email, external id, subject id or p-…)", el("input", { name: "subject", id: "f-subject" })),
    field("Actor (token name or id)", el("input", { name: "actor" })),
    field("Action", el("input", { name: "action", placeholder: "subject.export" })),
    field("Region", select("region", ["", ...regions.map((region) => region.id)], "")),
    field("Since", el("input", { name: "since", type: "datetime-local" })),
    field("Until", el("input", { name: "until", type: "datetime-local" })),
    el("button", { type: "submit" }, "Search"),
  );
  const line = status();
  const results = el("div", { id: "audit-results" });
  const more = el("button", { type: "button", hidden: true }, "Next page");
  const verifyAll = el("button", { type: "button", hidden: true }, "Verify shown entries");
  container.append(form, line, el("div", { class: "actions" }, verifyAll), results, more);
  let parameters = {};
  let shown = [];
  async function load(after) {
    const page = await attempt(line, () => api.get("/v1/audit/entries" + api.query({ ...parameters, after, limit: 50 })));
    if (!page) return;
    if (after === undefined) {
      replace(results);
      shown = [];
    }
    for (const entry of page.entries) {
      const row = entryRow(entry);
      shown.push({ entry, row });
      results.append(row);
    }
    line.show(`${shown.length} entries shown (log size ${page.treeSize}).`);
    more.hidden = page.entries.length < 50;
    more.onclick = () => load(page.entries[page.entries.length - 1].sequence);
    verifyAll.hidden = !shown.length;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const subject = await attempt(line, () => resolveSubject(data.subject));
    if (data.subject && !subject) return;
    parameters = { subject, actor: data.actor, action: data.action, region: data.region, since: isoFromLocal(data.since), until: isoFromLocal(data.until) };
    await load(undefined);
  });
  verifyAll.addEventListener("click", () =>
    attempt(line, async () => {
      const byEntry = new Map(shown.map(({ entry, row }) => [entry, row]));
      await verifyEntries([...byEntry.keys()], (entry, result) => replace(byEntry.get(entry).proofSlot, verdict(result.ok, result.reason)));
    }),
  );
  await load(undefined);
}

async function history(container) {
  const input = el("input", { name: "subject", id: "history-subject", placeholder: "email, external id or subject id" });
  const form = el("form", { class: "filters" }, field("Subject", input), el("button", { type: "submit" }, "Show who accessed them"));
  const line = status();
  const head = el("div");
  const results = el("div", { id: "history-results" });
  container.append(
    el("p", { class: "muted" }, "Every entry below is re-hashed in this browser and its inclusion proof checked against the signed checkpoint: verification without trusting the server."),
    form,
    line,
    head,
    results,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(line, async () => {
      replace(results);
      replace(head);
      const subject = await resolveSubject(input.value);
      const { entries } = await api.get("/v1/audit/entries" + api.query({ subject, limit: 1000 }));
      const rows = new Map();
      const tbody = el("tbody");
      for (const entry of entries) {
        const slot = el("td", { class: "proof" }, "checking…");
        rows.set(entry, slot);
        tbody.append(el("tr", { "data-sequence": entry.sequence }, el("td", {}, `#${entry.sequence}`), el("td", {}, when(entry.time)), el("td", {}, entry.actorName || entry.actor), el("td", {}, entry.role), el("td", {}, entry.action), el("td", {}, entry.purpose || ""), el("td", {}, entry.outcome), slot));
      }
      results.append(el("table", {}, el("thead", {}, el("tr", {}, ["#", "time", "who", "role", "action", "purpose", "outcome", "proof"].map((h) => el("th", {}, h)))), tbody));
      line.show(`${entries.length} entries concern this subject.`);
      const signed = await verifyEntries(entries, (entry, result) => replace(rows.get(entry), verdict(result.ok, result.reason)));
      replace(head, el("p", {}, `Checked against the checkpoint of ${signed.checkpoint.size} entries, key ${signed.keyText}: `, signatureVerdict(signed.signed)));
    });
  });
}

async function integrity(container) {
  const line = status();
  const current = el("div");
  const pasted = el("textarea", { id: "saved-checkpoint", rows: 7, placeholder: "Paste a checkpoint you saved earlier (the text of GET /v1/audit/checkpoint)" });
  const file = el("input", { type: "file", accept: ".txt,text/plain,*/*" });
  const trusted = el("input", { id: "trusted-key", placeholder: "optional: the verifier key you trust (name+hash+key); else the server's" });
  const outcome = el("div", { id: "consistency-verdict" });
  const compare = el("button", { type: "button" }, "Compare with the current log");
  container.append(line, card("Current checkpoint", current), card("Compare with a saved checkpoint", field("Saved checkpoint", pasted), field("or upload it", file), field("Trusted key", trusted), compare, outcome));
  let signed;
  file.addEventListener("change", async () => {
    if (file.files[0]) pasted.value = await file.files[0].text();
  });
  compare.addEventListener("click", () =>
    attempt(line, async () => {
      replace(outcome);
      signed = await signedCheckpoint();
      const saved = verify.parseCheckpoint(pasted.value);
      const key = trusted.value.trim() ? await verify.parseVerifierKey(trusted.value) : signed.key;
      const savedSigned = await verify.checkpointSigned(saved, key);
      const currentSigned = await verify.checkpointSigned(signed.checkpoint, key);
      if (savedSigned === false) return replace(outcome, verdict(false, "the saved checkpoint is not signed by the trusted key"));
      if (currentSigned === false) return replace(outcome, verdict(false, "the current checkpoint is not signed by the trusted key"));
      if (saved.size > signed.checkpoint.size) return replace(outcome, verdict(false, `rolled back: the saved checkpoint has ${saved.size} entries, the log has ${signed.checkpoint.size}`));
      let consistent;
      if (saved.size === signed.checkpoint.size) consistent = saved.root.every((byte, i) => byte === signed.checkpoint.root[i]);
      else {
        const proof = await api.get("/v1/audit/proof/consistency" + api.query({ from: saved.size, to: signed.checkpoint.size }));
        consistent = await verify.verifyConsistency(saved.size, signed.checkpoint.size, saved.root, signed.checkpoint.root, proof.proof.map(verify.fromBase64));
      }
      replace(
        outcome,
        verdict(consistent, consistent ? `consistent: the log of ${signed.checkpoint.size} entries extends the saved one of ${saved.size} (RFC 9162 consistency proof checked in the browser)` : "FORKED: the current log does not extend the saved checkpoint"),
      );
    }),
  );
  await attempt(line, async () => {
    signed = await signedCheckpoint();
    const save = el("button", { type: "button", onclick: () => download(`checkpoint-${signed.checkpoint.size}.txt`, signed.text, "text/plain") }, "Download to keep elsewhere");
    replace(current, pre(signed.text), el("p", {}, `Key: ${signed.keyText}`), signatureVerdict(signed.signed), save);
  });
}

function link(url, text) {
  return /^https:\/\//.test(url) ? el("a", { href: url, rel: "noreferrer noopener", target: "_blank" }, text || url) : text || url;
}

async function policies(container) {
  const [{ policies: list }, { regions }] = await Promise.all([api.get("/v1/policies"), api.get("/v1/regions")]);
  container.append(table([["region", (r) => r.id], ["name", (r) => r.name], ["policy", (r) => r.policy], ["countries", (r) => r.countries.join(", ")], ["stored in", (r) => r.storageLocation]], regions));
  for (const summary of list) {
    const document_ = await api.get(`/v1/policies/${encodeURIComponent(summary.id)}`);
    const purposes = Object.entries(document_.purposes || {});
    const retention = Object.entries(document_.retention || {});
    const rights = Object.entries(document_.rights || {});
    container.append(
      card(
        `${summary.name} (${summary.id} ${summary.version}) — regions ${summary.regions.join(", ")}`,
        el("p", { class: "muted" }, document_.jurisdiction || ""),
        el("ul", {}, (document_.sources || []).map((source) => el("li", {}, link(source.url, `${source.id}: ${source.title}`)))),
        el("h3", {}, "Purposes"),
        table([["purpose", ([name]) => name], ["lawful basis", ([, p]) => p.lawfulBasis || ""], ["consent model", ([, p]) => p.model || ""], ["source", ([, p]) => p.source || ""]], purposes),
        el("h3", {}, "Retention"),
        table([["category", ([name]) => name], ["kept for", ([, r]) => r.duration || ""], ["source", ([, r]) => r.source || ""]], retention),
        el("h3", {}, "Rights and deadlines"),
        table([["right", ([name]) => name], ["deadline", ([, r]) => `${r.deadline || ""} ${r.dayCount || ""}`], ["extension", ([, r]) => (r.extension ? r.extension.duration || JSON.stringify(r.extension) : "none")], ["source", ([, r]) => r.source || ""]], rights),
      ),
    );
  }
}

export const dpoPages = [
  { id: "dpo", title: "Dashboard", roles: ["dpo"], render: dashboard },
  { id: "audit", title: "Audit explorer", roles: ["dpo"], render: explorer },
  { id: "history", title: "Subject history", roles: ["dpo"], render: history },
  { id: "integrity", title: "Log integrity", roles: ["dpo", "admin"], render: integrity },
  { id: "policies", title: "Policies", roles: ["dpo", "admin"], render: policies },
];
