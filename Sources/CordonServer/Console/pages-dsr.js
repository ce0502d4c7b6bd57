// The DSR desk (the DPO role runs data-subject requests): the queue with the law's
// deadlines, and a subject's lookup → export → erase with a confirmation naming the region
// and the signed receipt verified in the browser.

import * as api from "./api.js";
import { el, replace, table, card, field, select, status, attempt, verdict, when, pre, download } from "./ui.js";
import * as verify from "./verify.js";
import { resolveSubject, verifyEntries } from "./pages-dpo.js";

const rights = ["", "access", "erasure", "rectification", "portability", "objection", "restriction"];

function subjectOf(request) {
  return request.subjectID || request.subjectId || "";
}

function dueOf(request) {
  return request.extendedDueAt || request.dueAt || request.deadline || "";
}

async function queue(container) {
  const { regions } = await api.get("/v1/regions");
  const filters = el(
    "form",
    { class: "filters" },
    field("Status", select("status", [["open", "open and extended"], "overdue", "completed", "all"], "open")),
    field("Region", select("region", ["", ...regions.map((region) => region.id)], "")),
    field("Right", select("right", rights, "")),
  );
  const line = status();
  const list = el("div", { id: "dsr-queue" });
  const registerForm = el(
    "form",
    { class: "filters", id: "dsr-register" },
    field("Right", select("right", rights.slice(1), "erasure")),
    field("Subject id (or leave empty and pick a region)", el("input", { name: "subjectId" })),
    field("Region", select("region", ["", ...regions.map((region) => region.id)], "")),
    field("Your reference", el("input", { name: "externalRef" })),
    el("button", { type: "submit" }, "Register request"),
  );
  container.append(filters, line, list, card("Register a request received now", registerForm));

  async function load() {
    const data = Object.fromEntries(new FormData(filters));
    const answer = await attempt(line, () => api.get("/v1/dsr" + api.query({ status: data.status })));
    if (!answer) return;
    const requests = answer.requests.filter((r) => (!data.region || r.region === data.region) && (!data.right || (r.kind || r.right) === data.right));
    line.show(`${requests.length} requests.`);
    replace(
      list,
      table(
        [
          ["request", (r) => r.id],
          ["right", (r) => r.kind || r.right],
          ["region", (r) => r.region],
          ["subject", (r) => subjectOf(r) || r.externalRef || ""],
          ["received", (r) => when(r.receivedAt)],
          ["due", (r) => when(dueOf(r))],
          ["days left", (r) => (r.daysLeft === null || r.daysLeft === undefined ? "—" : r.overdue ? `overdue (${r.daysLeft})` : String(r.daysLeft))],
          ["status", (r) => r.status],
          ["", (r) => actions(r)],
        ],
        requests,
        { empty: "No requests match.", rowClass: (r) => (r.overdue ? "overdue" : null) },
      ),
    );
  }

  function actions(request) {
    if (request.status === "completed") return request.outcome || "done";
    const box = el("span", { class: "row-actions" });
    if (subjectOf(request)) box.append(el("a", { href: `#/desk?subject=${encodeURIComponent(subjectOf(request))}&dsr=${encodeURIComponent(request.id)}`, class: "button" }, "Open"));
    if (request.status === "open") {
      box.append(
        el("button", {
          type: "button",
          onclick: () =>
            attempt(line, async () => {
              await api.post(`/v1/dsr/${encodeURIComponent(request.id)}/extend`, { reason: "complexity of the request" });
              await load();
            }),
        }, "Extend"),
      );
    }
    box.append(
      el("button", {
        type: "button",
        onclick: () =>
          attempt(line, async () => {
            await api.post(`/v1/dsr/${encodeURIComponent(request.id)}/complete`, { outcome: "completed from the console" });
            await load();
          }),
      }, "Complete"),
    );
    return box;
  }

  filters.addEventListener("change", load);
  registerForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(registerForm));
    attempt(line, async () => {
      const body = { right: data.right };
      for (const name of ["subjectId", "region", "externalRef"]) if (data[name]) body[name] = data[name];
      const opened = await api.post("/v1/dsr", body);
      line.show(`Registered ${opened.id}.`);
      await load();
    });
  });
  await load();
}

async function desk(container) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const input = el("input", { id: "desk-subject", name: "subject", value: params.get("subject") || "", placeholder: "email, external id or subject id" });
  const dsr = el("input", { id: "desk-dsr", name: "dsr", value: params.get("dsr") || "", placeholder: "optional DSR request id" });
  const form = el("form", { class: "filters" }, field("Subject", input), field("For request", dsr), el("button", { type: "submit" }, "Look up"));
  const line = status();
  const found = el("div", { id: "desk-subject-card" });
  container.append(form, line, found);

  async function show() {
    const id = await resolveSubject(input.value);
    let location_;
    try {
      location_ = await api.get(`/v1/subjects/${id}`);
    } catch (error) {
      if (error.code !== "subject_not_found") throw error;
      replace(found, card("Not found", el("p", {}, "No such subject in your regions (it may have been erased already).")));
      return;
    }
    const exportButton = el("button", { type: "button", id: "export" }, "Export (download JSON)");
    const eraseButton = el("button", { type: "button", id: "erase", class: "danger" }, "Erase…");
    const confirmBox = el("div", { id: "erase-confirm" });
    const receiptBox = el("div", { id: "receipt" });
    const exportBox = el("div", { id: "export-preview" });
    replace(
      found,
      card(
        "Subject",
        table([["subject", (s) => s.subjectId], ["region", (s) => s.region], ["policy", (s) => s.policy], ["created", (s) => when(s.createdAt)], ["updated", (s) => when(s.updatedAt)]], [location_]),
        el("div", { class: "actions" }, exportButton, eraseButton),
        exportBox,
        confirmBox,
        receiptBox,
      ),
    );
    exportButton.addEventListener("click", () =>
      attempt(line, async () => {
        const body = dsr.value ? { dsrRequest: dsr.value } : {};
        const exported = await api.post(`/v1/subjects/${id}/export`, body);
        download(`export-${id}.json`, JSON.stringify(exported, null, 2));
        replace(exportBox, el("details", {}, el("summary", {}, "What the package holds"), pre(exported)));
        line.show("Export downloaded. It holds personal data: hand it to the person and delete your copy.");
      }),
    );
    eraseButton.addEventListener("click", () => {
      const typed = el("input", { id: "confirm-region", placeholder: location_.region });
      const go = el("button", { type: "button", class: "danger", id: "confirm-erase" }, "Erase permanently");
      replace(
        confirmBox,
        el("p", { class: "warning" }, `Erase subject ${id} in region ${location_.region} under ${location_.policy}? Its data key is destroyed; this cannot be undone. Type the region (${location_.region}) to confirm.`),
        typed,
        go,
      );
      go.addEventListener("click", () =>
        attempt(line, async () => {
          if (typed.value.trim() !== location_.region) {
            line.show(`Type ${location_.region} to confirm.`, "error");
            return;
          }
          const receipt = await api.call("DELETE", `/v1/subjects/${id}` + api.query({ dsrRequest: dsr.value }));
          replace(confirmBox);
          await showReceipt(receiptBox, receipt, line);
        }),
      );
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(line, show);
  });
  if (input.value) await attempt(line, show);
}

/// A receipt: its body, a download, and its signature and audit entry verified here.
async function showReceipt(box, receipt, line) {
  const verdicts = el("div", { class: "verdicts" });
  const complete = el("button", { type: "button", id: "complete-request", hidden: true }, "Complete the request");
  replace(
    box,
    card(
      "Erasure receipt",
      pre(receipt),
      el("button", { type: "button", onclick: () => download(`erasure-receipt-${receipt.receipt.subjectId}.json`, JSON.stringify(receipt, null, 2)) }, "Download receipt"),
      verdicts,
    ),
  );
  const key = await verify.parseVerifierKey(await api.get("/v1/audit/pubkey"));
  const signature = await verify.verifyReceipt(receipt, key);
  verdicts.append(el("p", { id: "receipt-signature" }, "Receipt: ", verdict(signature.ok, signature.reason)));
  const page = await api.get("/v1/audit/entries" + api.query({ after: receipt.receipt.auditSequence > 0 ? receipt.receipt.auditSequence - 1 : undefined, limit: 1 }));
  const entry = page.entries.find((candidate) => candidate.sequence === receipt.receipt.auditSequence);
  if (entry) await verifyEntries([entry], (_, result) => verdicts.append(el("p", { id: "receipt-entry" }, `Audit entry #${entry.sequence} (${entry.action}): `, verdict(result.ok, result.reason))));
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const requestID = params.get("dsr");
  if (!requestID) return;
  const { requests } = await api.get("/v1/dsr?status=all");
  const request = requests.find((candidate) => candidate.id === requestID);
  if (request && request.status === "completed") {
    line.show(`Request ${request.id} is completed (${request.outcome || "by the erasure"}).`, "ok");
    return;
  }
  complete.hidden = false;
  complete.addEventListener("click", () =>
    attempt(line, async () => {
      const done = await api.post(`/v1/dsr/${encodeURIComponent(requestID)}/complete`, { outcome: `erased; receipt for audit entry ${receipt.receipt.auditSequence}` });
      line.show(`Request ${done.id} is ${done.status}.`, "ok");
      complete.disabled = true;
    }),
  );
  verdicts.append(complete);
}

export const dsrPages = [
  { id: "dsr", title: "DSR desk", roles: ["dpo"], render: queue },
  { id: "desk", title: "Subject", roles: ["dpo"], render: desk },
];
