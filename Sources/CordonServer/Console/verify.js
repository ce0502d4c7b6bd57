// Verification in the browser, trusting nothing the server says about itself: audit
// entries are re-encoded as canonical JSON (audit/FORMAT.md §2) and hashed with Web Crypto
// SHA-256 (RFC 9162 leaf and node hashes, §3), inclusion and consistency proofs are
// checked per RFC 9162 §2.1.3.2 and §2.1.4.2, and checkpoints (C2SP signed notes, §5) and
// erasure receipts are checked with Ed25519 through Web Crypto.

const encoder = new TextEncoder();

/// Bytes → standard base64, and back.
export function toBase64(bytes) {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

export function fromBase64(text) {
  const binary = atob(text.trim());
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function fromHex(text) {
  if (!/^([0-9a-f]{2})*$/i.test(text)) throw new Error("not hex");
  return Uint8Array.from(text.match(/../g) || [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function equal(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function compareBytes(a, b) {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function canonicalString(text) {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (code < 0x20) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/// Canonical JSON (audit/FORMAT.md §2): sorted keys by UTF-8 bytes, no whitespace,
/// integers only, exactly `"`, `\` and control characters escaped.
export function canonicalJSON(value) {
  if (typeof value === "string") return canonicalString(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error("canonical JSON holds integers only");
    return String(value);
  }
  if (Array.isArray(value)) return "[" + value.map(canonicalJSON).join(",") + "]";
  if (value && typeof value === "object") {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined && value[key] !== null);
    keys.sort(compareBytes);
    return "{" + keys.map((key) => canonicalString(key) + ":" + canonicalJSON(value[key])).join(",") + "}";
  }
  throw new Error(`canonical JSON has no ${typeof value}`);
}

/// SHA-256(0x00 ‖ canonical line) of an audit entry.
export async function leafHash(entry) {
  return sha256(concat(Uint8Array.of(0), encoder.encode(canonicalJSON(entry))));
}

async function node(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

const odd = (n) => n % 2 === 1;
const half = (n) => Math.floor(n / 2);

/// RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when malformed.
export async function rootFromInclusion(index, treeSize, leaf, path) {
  if (index >= treeSize) return null;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (odd(fn) || fn === sn) {
      r = await node(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/// RFC 9162 §2.1.4.2: whether `path` proves the tree of `first` leaves (root `firstRoot`)
/// is a prefix of the tree of `second` leaves (root `secondRoot`).
export async function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (first > second || first < 1) return false;
  if (first === second) return path.length === 0 && equal(firstRoot, secondRoot);
  let proof = path;
  if ((first & (first - 1)) === 0 && first < 2 ** 31) proof = [firstRoot, ...path];
  if (!proof.length) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await node(c, fr);
      sr = await node(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equal(fr, firstRoot) && equal(sr, secondRoot);
}

/// A C2SP checkpoint note: origin, size, root, the signed body and its signature lines.
export function parseCheckpoint(text) {
  const normalized = text.replace(/\r\n/g, "\n");
  const split = normalized.indexOf("\n\n");
  if (split < 0) throw new Error("a checkpoint has a body, a blank line and signature lines");
  const body = normalized.slice(0, split + 1);
  const lines = body.split("\n");
  if (lines.length < 4) throw new Error("a checkpoint body has an origin, a size and a root hash");
  const size = Number(lines[1]);
  if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || !Number.isSafeInteger(size)) throw new Error("the checkpoint's size is not a number");
  const root = fromBase64(lines[2]);
  if (root.length !== 32) throw new Error("the checkpoint's root is not a 32-byte hash");
  const signatures = normalized
    .slice(split + 2)
    .split("\n")
    .filter((line) => line.startsWith("\u2014 "))
    .map((line) => {
      const [, name, blob] = line.split(" ");
      return { name, bytes: fromBase64(blob) };
    });
  return { origin: lines[0], size, root, body: encoder.encode(body), signatures };
}

/// A verifier key `name+hash+base64(0x01 ‖ key)` → its name, key hash and public key.
export async function parseVerifierKey(text) {
  const [name, hash, ...rest] = text.trim().split("+");
  const blob = rest.join("+");
  const bytes = fromBase64(blob || "");
  if (!name || bytes.length !== 33 || bytes[0] !== 1) throw new Error("a verifier key is name+hash+base64(0x01 ‖ 32-byte key)");
  const publicKey = bytes.slice(1);
  const expected = (await sha256(concat(encoder.encode(name), Uint8Array.of(0x0a, 0x01), publicKey))).slice(0, 4);
  if (toHex(expected) !== hash) throw new Error("the verifier key's hash does not match its key");
  return { name, keyHash: expected, publicKey };
}

/// Ed25519 through Web Crypto: true/false, or null when this browser lacks Ed25519.
export async function ed25519Verify(publicKey, signature, message) {
  let key;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return null;
  }
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch {
    return false;
  }
}

/// Whether `checkpoint` (parsed) carries a valid signature by `key` (parsed verifier key):
/// true, false, or null when the browser cannot check Ed25519.
export async function checkpointSigned(checkpoint, key) {
  const line = checkpoint.signatures.find((s) => s.name === key.name && equal(s.bytes.slice(0, 4), key.keyHash));
  if (!line || line.bytes.length !== 68) return false;
  return ed25519Verify(key.publicKey, line.bytes.slice(4), checkpoint.body);
}

/// Verifies `entry` against a signed checkpoint with its inclusion proof: the leaf is
/// recomputed here (the proof's own leafHash is not trusted), then the path must lead to
/// the checkpoint's root. Answers { ok, reason }.
export async function verifyInclusion(entry, proof, checkpoint) {
  if (proof.treeSize !== checkpoint.size) return { ok: false, reason: "the proof is for another tree size" };
  if (proof.index !== entry.sequence) return { ok: false, reason: "the proof is for another entry" };
  const leaf = await leafHash(entry);
  const root = await rootFromInclusion(entry.sequence, checkpoint.size, leaf, proof.proof.map(fromBase64));
  if (!root) return { ok: false, reason: "the proof is malformed" };
  if (!equal(root, checkpoint.root)) return { ok: false, reason: "the proof does not lead to the signed root" };
  return { ok: true, reason: `in the signed tree of ${checkpoint.size} entries` };
}

/// An erasure receipt's signature (over its body as sorted-key JSON) and its key.
export async function verifyReceipt(receipt, auditKey) {
  if (receipt.algorithm !== "Ed25519") return { ok: false, reason: "unknown algorithm" };
  const message = encoder.encode(canonicalJSON(receipt.receipt));
  const signature = fromBase64(receipt.signature);
  const publicKey = fromHex(receipt.publicKey);
  const valid = await ed25519Verify(publicKey, signature, message);
  if (valid === null) return { ok: false, reason: "this browser cannot check Ed25519" };
  if (!valid) return { ok: false, reason: "the signature does not match the receipt" };
  if (auditKey && !equal(publicKey, auditKey.publicKey)) return { ok: false, reason: "signed by a key other than the audit log's" };
  return { ok: true, reason: "signature valid, by the audit log's key" };
}
