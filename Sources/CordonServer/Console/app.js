// The console's shell: sign-in with a token, the pages of the token's role, hash routing.

import * as api from "./api.js";
import { el, replace } from "./ui.js";
import { dpoPages } from "./pages-dpo.js";
import { dsrPages } from "./pages-dsr.js";
import { analystPages } from "./pages-analyst.js";
import { adminPages } from "./pages-admin.js";
import { registerPages } from "./pages-registers.js";

/// Every page: { id, title, roles, render(container, me) }.
const pages = [...dpoPages, ...dsrPages, ...registerPages, ...analystPages, ...adminPages];

const $ = (id) => document.getElementById(id);
let me = null;

/// The role's pages, its dashboard first.
function pagesFor(role) {
  const mine = pages.filter((page) => page.roles.includes(role));
  return [...mine.filter((page) => page.title === "Dashboard"), ...mine.filter((page) => page.title !== "Dashboard")];
}

function signedOut(message) {
  me = null;
  api.setToken(null);
  $("page").hidden = true;
  $("sign-in").hidden = false;
  $("sign-out").hidden = true;
  replace($("nav"));
  replace($("who"));
  $("sign-in-error").textContent = message || "";
}

async function signIn(secret) {
  api.setToken(secret);
  try {
    me = await api.get("/v1/whoami");
  } catch (error) {
    signedOut(error.status === 401 ? "That token is unknown, malformed or revoked." : `${error.code}: ${error.message}`);
    return;
  }
  $("sign-in").hidden = true;
  $("page").hidden = false;
  $("sign-out").hidden = false;
  replace($("who"), `${me.name} · ${me.role} · ${me.regions.join(", ")}`);
  const mine = pagesFor(me.role);
  replace(
    $("nav"),
    mine.map((page) => el("a", { href: `#/${page.id}`, "data-page": page.id }, page.title)),
  );
  route();
}

async function route() {
  if (!me) return;
  const mine = pagesFor(me.role);
  const id = location.hash.replace(/^#\//, "").split("?")[0];
  const page = mine.find((candidate) => candidate.id === id);
  for (const link of $("nav").querySelectorAll("a")) link.classList.toggle("current", link.dataset.page === (page || mine[0] || {}).id);
  // Each render gets its own element: a render still awaiting the API when the hash changes
  // again writes into a detached element, never beside the newer page.
  const container = el("div", { "data-page": page ? page.id : "" });
  replace($("page"), container);
  if (!mine.length) {
    replace(container, el("p", {}, `The ${me.role} role has no console pages; it works through the API.`));
    return;
  }
  if (!page) {
    if (id && pages.some((candidate) => candidate.id === id)) {
      replace(container, el("p", { class: "error", "data-refused": id }, `This page is not for the ${me.role} role.`));
      return;
    }
    location.hash = `#/${mine[0].id}`;
    return;
  }
  replace(container, el("h1", {}, page.title));
  try {
    await page.render(container, me);
  } catch (error) {
    container.append(el("p", { class: "error" }, error.code ? `${error.code}: ${error.message}` : String(error)));
  }
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("token");
  const secret = input.value.trim();
  input.value = "";
  signIn(secret);
});
$("sign-out").addEventListener("click", () => signedOut("Signed out."));
window.addEventListener("hashchange", route);
if (api.token()) signIn(api.token());
