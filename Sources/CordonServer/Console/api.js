// The one way the console talks to Cordon: the HTTP API on this origin, with the token
// kept in this tab's sessionStorage (never localStorage, never a cookie).

const KEY = "cordon.console.token";

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(secret) {
  if (secret) sessionStorage.setItem(KEY, secret);
  else sessionStorage.removeItem(KEY);
}

/// An error the API answered with: its status, stable code and message.
export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/// Calls the API: `path` under this origin, an optional JSON `body`; answers the parsed
/// JSON (or text for any other type, e.g. text/csv with `accept`), throws APIError for any 4xx/5xx.
export async function call(method, path, body, { raw = false, accept = "application/json" } = {}) {
  const headers = { Accept: accept };
  const secret = token();
  if (secret) headers.Authorization = `Bearer ${secret}`;
  const init = { method, headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response = await fetch(path, init);
  // Over the token's rate limit (many proofs checked at once): wait as told, a few times.
  for (let retry = 0; response.status === 429 && retry < 5; retry++) {
    const seconds = Math.min(10, Number(response.headers.get("Retry-After")) || 1);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    response = await fetch(path, init);
  }
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    let code = "http_" + response.status;
    let message = response.statusText;
    if (type.startsWith("application/json")) {
      const problem = await response.json().catch(() => ({}));
      const error = problem.error || problem;
      code = error.code || code;
      message = error.message || message;
    }
    throw new APIError(response.status, code, message);
  }
  if (raw) return response;
  if (type.startsWith("application/json")) return parseJSON(await response.text());
  return response.text();
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body ?? {});
export const del = (path) => call("DELETE", path);

/// A query string from an object, leaving out empty values.
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/// JSON with integers beyond 2^53 (audit store anchors) kept exact as BigInt, from their
/// source text, so an audit entry re-encodes to the very bytes the log hashed.
export function parseJSON(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === "number" && !Number.isSafeInteger(value) && context && /^-?[0-9]+$/.test(context.source) ? BigInt(context.source) : value,
  );
}
