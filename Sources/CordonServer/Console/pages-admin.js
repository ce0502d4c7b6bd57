// Admin pages: tokens (create, the secret shown once; list; revoke), key status, store
// verification per region, and a retention run.

import * as api from "./api.js";
import { el, replace, table, card, field, select, status, attempt, pre, when } from "./ui.js";

async function tokens(container, me) {
  const [{ regions }] = await Promise.all([api.get("/v1/regions")]);
  const line = status();
  const list = el("div", { id: "token-list" });
  const secretBox = el("div", { id: "new-token" });
  const form = el(
    "form",
    { class: "filters", id: "token-create" },
    field("Name", el("input", { name: "name", required: true })),
    field("Role", select("role", ["analyst", "dpo", "ingest", "admin"], "analyst")),
    field("Regions (comma-separated, * for all)", el("input", { name: "regions", value: regions.map((r) => r.id).filter((id) => me.regions.includes("*") || me.regions.includes(id)).join(",") })),
    field("Purposes (analysts)", el("input", { name: "purposes", value: "analytics" })),
    el("button", { type: "submit" }, "Create token"),
  );
  container.append(line, card("Create a token", form, secretBox), card("Tokens", list));
  async function load() {
    const answer = await attempt(line, () => api.get("/v1/tokens"));
    if (!answer) return;
    replace(
      list,
      table(
        [
          ["id", (t) => t.id],
          ["name", (t) => t.name],
          ["role", (t) => t.role],
          ["regions", (t) => (Array.isArray(t.regions) ? t.regions.join(", ") : String(t.scope ?? t.regions ?? ""))],
          ["purposes", (t) => (t.purposes || []).join(", ")],
          ["created", (t) => when(t.createdAt)],
          ["state", (t) => (t.revokedAt ? `revoked ${when(t.revokedAt)}` : "active")],
          ["", (t) => (t.revokedAt || t.id === me.id ? "" : el("button", { type: "button", class: "danger", onclick: () => attempt(line, async () => { await api.del(`/v1/tokens/${encodeURIComponent(t.id)}`); line.show(`Revoked ${t.name}.`); await load(); }) }, "Revoke"))],
        ],
        answer.tokens,
      ),
    );
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    attempt(line, async () => {
      const body = { name: data.name, role: data.role, regions: data.regions.split(",").map((s) => s.trim()).filter(Boolean) };
      if (data.role === "analyst") body.purposes = data.purposes.split(",").map((s) => s.trim()).filter(Boolean);
      const issued = await api.post("/v1/tokens", body);
      replace(secretBox, el("p", { class: "warning" }, "The secret is shown this once; copy it now. Cordon keeps only its hash."), el("code", { class: "secret", id: "token-secret" }, issued.token));
      form.reset();
      await load();
    });
  });
  await load();
}

async function keys(container) {
  const line = status();
  container.append(line);
  await attempt(line, async () => {
    const status_ = await api.get("/v1/keys");
    container.append(
      card(
        `Master key ${status_.masterKeyID}`,
        table(
          [
            ["keyring", (k) => k.name],
            ["active KEK", (k) => `v${k.activeKEKVersion}`],
            ["KEK versions", (k) => k.kekVersions.join(", ")],
            ["data keys", (k) => Object.entries(k.dataKeys).map(([name, versions]) => `${name} v${versions.join(",")}`).join("; ")],
          ],
          status_.keyrings,
        ),
        el("p", { class: "muted" }, "Rotate with cordon keys rotate --master or --region ID (the command line, on the server's host)."),
      ),
    );
  });
  await attempt(line, async () => container.append(card("Audit signing key (verifier key)", pre((await api.get("/v1/audit/pubkey")).trim()))));
}

async function stores(container) {
  const line = status();
  const output = el("div", { id: "stores" });
  const run = el("button", { type: "button", id: "verify-stores" }, "Verify every store now");
  container.append(el("p", { class: "muted" }, "Authenticates every page and WAL frame of each region's store and control.db."), run, line, output);
  run.addEventListener("click", () =>
    attempt(line, async () => {
      line.show("Verifying…");
      const answer = await api.get("/v1/stores/verify");
      line.show(answer.intact ? "Every store is intact." : "A store is damaged: see below and restore it from a backup.", answer.intact ? "ok" : "error");
      replace(
        output,
        table(
          [
            ["region", (s) => s.region],
            ["file", (s) => s.file],
            ["pages", (s) => String(s.pages)],
            ["WAL frames", (s) => String(s.walFrames)],
            ["commit", (s) => String(s.commit ?? "")],
            ["audited commit", (s) => String(s.auditedCommit ?? "")],
            ["intact", (s) => (s.intact ? "✔ intact" : `✘ bad pages ${s.badPages.join(",")} ${s.missingPages ? "missing " + s.missingPages.join(",") : ""}`)],
          ],
          answer.stores,
          { rowClass: (s) => (s.intact ? null : "overdue") },
        ),
      );
    }),
  );
}

async function retention(container) {
  const line = status();
  const output = el("div", { id: "retention" });
  const run = el("button", { type: "button", id: "run-retention" }, "Run retention now");
  container.append(el("p", { class: "muted" }, "Deletes what each region's policy no longer allows to keep (the scheduler also runs it daily)."), run, line, output);
  run.addEventListener("click", () =>
    attempt(line, async () => {
      const report = await api.post("/v1/retention/run", {});
      line.show("Retention ran.", "ok");
      replace(output, pre(report));
    }),
  );
}

async function dashboard(container, me) {
  container.append(el("p", {}, `Signed in as ${me.name} (${me.regions.join(", ")}).`));
  await keys(container);
  container.append(el("p", {}, el("a", { href: "#/tokens" }, "Tokens"), " · ", el("a", { href: "#/stores" }, "Verify stores"), " · ", el("a", { href: "#/retention" }, "Retention")));
}

export const adminPages = [
  { id: "admin", title: "Dashboard", roles: ["admin"], render: dashboard },
  { id: "tokens", title: "Tokens", roles: ["admin"], render: tokens },
  { id: "keys", title: "Keys", roles: ["admin"], render: keys },
  { id: "stores", title: "Stores", roles: ["admin"], render: stores },
  { id: "retention", title: "Retention", roles: ["admin"], render: retention },
];
