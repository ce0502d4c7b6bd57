#!/usr/bin/env python3
"""Independent verifier of a Cordon audit directory (audit/FORMAT.md).

Uses only Python's standard library and the `openssl` command (for Ed25519), so a DPO can
check the audit trail without trusting Cordon's own code. Read-only: changes nothing.

    python3 audit/verify.py <data>/audit --pubkey FILE [--checkpoint SAVED [--cosigner PEERKEY ...]]

FILE holds the verifier key line printed by `cordon audit pubkey`:
    <name>+<hex8 key hash>+<base64(0x01 || 32-byte Ed25519 public key)>

Exit status: 0 when everything verifies (a torn last line is only a warning), 1 when a
problem is found (the first one is printed with its sequence number), 2 on usage errors.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ED25519_DER_PREFIX = bytes.fromhex("302a300506032b6570032100")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", re.ASCII)
INT64 = (-(2**63), 2**63 - 1)
REQUIRED_STRINGS = ("action", "actor", "outcome", "requestId", "role", "time")
OPTIONAL_STRINGS = ("actorName", "purpose", "query", "reason")
ALL_FIELDS = set(REQUIRED_STRINGS + OPTIONAL_STRINGS) | {
    "details", "policyVersions", "privacyCostMicroEpsilon", "regions", "sequence", "subjects"}


class Problem(Exception):
    def __init__(self, message, sequence=None, file=None):
        super().__init__(message)
        self.sequence = sequence
        self.file = file


# ---------------------------------------------------------------- canonical JSON (FORMAT.md §2)

def canonical_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif code < 0x20:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(value):
    if isinstance(value, bool) or value is None:
        raise ValueError("booleans and null do not occur in entries")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(canonical_string(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError("unexpected JSON type")


def no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError("duplicate key %r" % key)
        seen[key] = value
    return seen


def reject_number(text):
    raise ValueError("only integers are allowed, got %s" % text)


def decode_entry(line):
    """Parses one line and checks it is the canonical encoding of a well-formed entry."""
    text = line.decode("utf-8")  # strict: invalid UTF-8 raises
    entry = json.loads(text, object_pairs_hook=no_duplicates, parse_float=reject_number,
                       parse_constant=reject_number)
    if not isinstance(entry, dict):
        raise ValueError("an entry is a JSON object")
    unknown = set(entry) - ALL_FIELDS
    if unknown:
        raise ValueError("unknown field(s) %s" % sorted(unknown))
    for key in REQUIRED_STRINGS:
        if not isinstance(entry.get(key), str):
            raise ValueError("%r must be a string" % key)
    for key in OPTIONAL_STRINGS:
        if key in entry and not isinstance(entry[key], str):
            raise ValueError("%r must be a string" % key)
    for key in ("regions", "subjects"):
        if not isinstance(entry.get(key), list) or not all(isinstance(v, str) for v in entry[key]):
            raise ValueError("%r must be an array of strings" % key)
    versions = entry.get("policyVersions")
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        raise ValueError("'policyVersions' must map strings to strings")
    details = entry.get("details")
    if not isinstance(details, dict):
        raise ValueError("'details' must be an object")
    for value in details.values():
        if not (isinstance(value, str) or is_int64(value)):
            raise ValueError("details are strings or 64-bit integers")
    if "privacyCostMicroEpsilon" in entry and not is_int64(entry["privacyCostMicroEpsilon"]):
        raise ValueError("'privacyCostMicroEpsilon' must be an integer")
    if not is_int64(entry.get("sequence")) or entry["sequence"] < 0:
        raise ValueError("'sequence' must be a non-negative integer")
    if entry["outcome"] not in ("ok", "denied", "error", "aborted"):
        raise ValueError("'outcome' must be ok, denied, error or aborted")
    if not TIME_RE.match(entry["time"]):
        raise ValueError("'time' must be RFC 3339 UTC with milliseconds")
    try:
        datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise ValueError("'time' is not a valid date")
    if canonical(entry).encode("utf-8") != line:
        raise ValueError("entry %s is not in canonical form" % entry["sequence"])
    return entry


def is_int64(value):
    return isinstance(value, int) and not isinstance(value, bool) and INT64[0] <= value <= INT64[1]


# ---------------------------------------------------------------- RFC 9162 hashing (FORMAT.md §3)

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


class CompactRange:
    """The perfect subtrees covering leaves [0, size): enough for the root at every size."""

    def __init__(self):
        self.stack = []  # (height, hash), heights strictly decreasing
        self.size = 0

    def append(self, leaf):
        height, value = 0, leaf
        while self.stack and self.stack[-1][0] == height:
            value = node_hash(self.stack.pop()[1], value)
            height += 1
        self.stack.append((height, value))
        self.size += 1

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        value = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            value = node_hash(left, value)
        return value


# ---------------------------------------------------------------- signed notes (FORMAT.md §5)

def parse_verifier_key(text):
    parts = text.strip().split("+", 2)  # the base64 key may contain "+"
    if len(parts) != 3:
        raise Problem("the verifier key is not <name>+<hex8>+<base64>")
    name, hash_hex, key_b64 = parts
    key = base64.b64decode(key_b64, validate=True)
    if len(key) != 33 or key[0] != 1:
        raise Problem("the verifier key is not an Ed25519 key (0x01 || 32 bytes)")
    if key_hash(name, key[1:]).hex() != hash_hex.lower():
        raise Problem("the verifier key hash does not match its name and key")
    return name, key[1:]


def key_hash(name, public_key):
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + public_key).digest()[:4]


def parse_checkpoint(text):
    cut = text.rfind("\n\n")
    if cut < 0:
        raise ValueError("no blank line before the signatures")
    body, signature_block = text[:cut + 1], text[cut + 2:]
    lines = body[:-1].split("\n")
    if len(lines) < 3 or any(not line for line in lines):
        raise ValueError("the body needs origin, tree size and root lines")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise ValueError("tree size is not a decimal without leading zeros")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32 or base64.b64encode(root).decode() != lines[2]:
        raise ValueError("root hash is not 32 bytes of standard base64")
    if not signature_block.endswith("\n"):
        raise ValueError("signatures end with a newline")
    signatures = []
    for line in signature_block[:-1].split("\n"):
        fields = line.split(" ")
        if len(fields) != 3 or fields[0] != "\u2014":
            raise ValueError("signature lines read '\u2014 <name> <base64>'")
        blob = base64.b64decode(fields[2], validate=True)
        if len(blob) <= 4:
            raise ValueError("signature too short")
        signatures.append((fields[1], blob[:4], blob[4:]))
    return {"origin": lines[0], "size": int(lines[1]), "root": root, "body": body.encode("utf-8"),
            "signatures": signatures}


def ed25519_verify(public_key, message, signature, workdir):
    pem = b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(ED25519_DER_PREFIX + public_key) + \
        b"-----END PUBLIC KEY-----\n"
    paths = {name: os.path.join(workdir, name) for name in ("pub.pem", "msg", "sig")}
    for name, data in (("pub.pem", pem), ("msg", message), ("sig", signature)):
        with open(paths[name], "wb") as handle:
            handle.write(data)
    result = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths["pub.pem"], "-rawin",
         "-in", paths["msg"], "-sigfile", paths["sig"]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return result.returncode == 0


# ---------------------------------------------------------------- the directory (FORMAT.md §4, §7)

def check_cosignature(checkpoint, cosigner_name, public_key, workdir):
    """The time of a valid C2SP tlog-cosignature/v1 line by this cosigner (FORMAT.md §10)."""
    wanted = hashlib.sha256(cosigner_name.encode("utf-8") + b"\n\x04" + public_key).digest()[:4]
    lines = [s for s in checkpoint["signatures"] if s[0] == cosigner_name and s[1] == wanted]
    if not lines:
        raise Problem("the saved checkpoint has no cosignature by %s" % cosigner_name)
    for _, _, blob in lines:
        time = int.from_bytes(blob[:8], "big")
        if len(blob) == 72 and time < 2**63:
            message = b"cosignature/v1\ntime %d\n" % time + checkpoint["body"]
            if ed25519_verify(public_key, message, blob[8:], workdir):
                return time
    raise Problem("the cosignature by %s does not verify over the saved checkpoint" % cosigner_name)


def numbered(folder, suffix):
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        if name.endswith(suffix):
            stem = name[:len(name) - len(suffix)] if suffix else name
            if stem.isdigit() and stem.isascii():
                found.append((int(stem), name))
    return sorted(found)


def check_signature(checkpoint, name, key_name, public_key, workdir):
    wanted = key_hash(key_name, public_key)
    candidates = [s for s in checkpoint["signatures"] if s[0] == key_name and s[1] == wanted]
    if not candidates:
        raise Problem("checkpoint %s has no signature by key %s" % (name, key_name),
                      sequence=checkpoint["size"], file=name)
    if not any(ed25519_verify(public_key, checkpoint["body"], s[2], workdir) for s in candidates):
        raise Problem("checkpoint %s has an invalid signature by %s" % (name, key_name),
                      sequence=checkpoint["size"], file=name)


def verify(directory, key_name, public_key, saved=None):
    """Verifies the directory; with `saved` (the text of a checkpoint kept elsewhere), also
    proves the log extends it: no file on this machine can show the whole directory was
    replaced by an older, self-consistent copy, but a checkpoint kept elsewhere can."""
    report = {"size": 0, "root": hashlib.sha256(b"").digest(), "checkpoints": 0, "warnings": []}
    checkpoints_dir = os.path.join(directory, "checkpoints")
    segments_dir = os.path.join(directory, "segments")
    if not os.path.isdir(segments_dir):
        raise Problem("no segments directory in %s" % directory, file="segments")

    # Checkpoints first (parse + signature), so roots can be compared while scanning.
    checkpoints = []
    origin = None
    with tempfile.TemporaryDirectory() as workdir:
        files = [("checkpoints/" + name, size) for size, name in numbered(checkpoints_dir, "")]
        if os.path.exists(os.path.join(checkpoints_dir, "latest")):
            files.append(("checkpoints/latest", None))
        texts = {}
        for name, size in files:
            with open(os.path.join(directory, name), "rb") as handle:
                raw = handle.read()
            try:
                checkpoint = parse_checkpoint(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise Problem("checkpoint %s is malformed: %s" % (name, error), file=name)
            if size is not None and checkpoint["size"] != size:
                raise Problem("checkpoint file %s holds tree size %d" % (name, checkpoint["size"]), file=name)
            if origin is not None and checkpoint["origin"] != origin:
                raise Problem("checkpoint %s names origin %r, expected %r" % (name, checkpoint["origin"], origin),
                              file=name)
            origin = checkpoint["origin"]
            check_signature(checkpoint, name, key_name, public_key, workdir)
            if size is None and checkpoint["size"] in texts and texts[checkpoint["size"]] != raw:
                raise Problem("checkpoints/latest differs from the checkpoint file of its size", file=name)
            texts[checkpoint["size"]] = raw
            checkpoint["name"] = name
            checkpoints.append(checkpoint)
        if saved is not None:
            try:
                saved = parse_checkpoint(saved)
            except ValueError as error:
                raise Problem("the saved checkpoint is malformed: %s" % error)
            check_signature(saved, "(saved)", key_name, public_key, workdir)
            if origin is not None and saved["origin"] != origin:
                raise Problem("the saved checkpoint names origin %r, this log %r" % (saved["origin"], origin))
    saved_root = None

    wanted_sizes = {}
    for checkpoint in checkpoints:
        wanted_sizes.setdefault(checkpoint["size"], []).append(checkpoint)
    verified_size = 0

    def check_roots(tree):
        nonlocal verified_size, saved_root
        if saved is not None and tree.size == saved["size"]:
            saved_root = tree.root()
        for checkpoint in wanted_sizes.get(tree.size, []):
            if tree.root() != checkpoint["root"]:
                first = min(verified_size, max(0, tree.size - 1))
                raise Problem("checkpoint %s root disagrees with entries %d..<%d: an entry in that range was altered"
                              % (checkpoint["name"], first, tree.size), sequence=first, file=checkpoint["name"])
            report["checkpoints"] += 1
        if tree.size in wanted_sizes:
            verified_size = tree.size

    tree = CompactRange()
    check_roots(tree)
    segments = numbered(segments_dir, ".ndjson")
    for position, (first, name) in enumerate(segments):
        relative = "segments/" + name
        if first != tree.size:
            raise Problem("audit segment %s starts at sequence %d, expected %d: entries are missing or reordered"
                          % (relative, first, tree.size), sequence=tree.size, file=relative)
        with open(os.path.join(segments_dir, name), "rb") as handle:
            data = handle.read()
        is_last = position == len(segments) - 1
        start = 0
        count = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                break
            line = data[start:end]
            try:
                entry = decode_entry(line)
            except (ValueError, UnicodeDecodeError, RecursionError) as error:
                raise Problem("audit entry %d in %s does not verify: %s" % (tree.size, relative, error),
                              sequence=tree.size, file=relative)
            if entry["sequence"] != tree.size:
                raise Problem("audit entry %d in %s is missing or out of order (found sequence %d)"
                              % (tree.size, relative, entry["sequence"]), sequence=tree.size, file=relative)
            tree.append(leaf_hash(line))
            check_roots(tree)
            count += 1
            start = end + 1
        if start < len(data):
            if not is_last:
                raise Problem("audit segment %s ends inside entry %d but is not the last segment"
                              % (relative, tree.size), sequence=tree.size, file=relative)
            report["warnings"].append("%s ends with a torn line of %d bytes after entry %d (a crash during a "
                                      "write; the next open truncates it)" % (relative, len(data) - start,
                                                                              tree.size - 1))
        if count == 0 and not is_last:
            raise Problem("audit segment %s is empty but is not the last segment" % relative,
                          sequence=tree.size, file=relative)

    beyond = [c for c in checkpoints if c["size"] > tree.size]
    if beyond:
        raise Problem("checkpoint %s covers %d entries but only %d exist: entries from %d were deleted"
                      % (beyond[0]["name"], beyond[0]["size"], tree.size, tree.size),
                      sequence=tree.size, file=beyond[0]["name"])
    if saved is not None:
        if saved["size"] > tree.size:
            raise Problem("rolled back: the saved checkpoint has %d entries, the log has %d" % (saved["size"], tree.size),
                          sequence=tree.size)
        if saved_root != saved["root"]:
            raise Problem("forked: the log's first %d entries do not hash to the saved checkpoint's root (entries "
                          "before it were rewritten)" % saved["size"])
        report["saved"] = saved["size"]
    report["size"] = tree.size
    report["root"] = tree.root()
    report["latest"] = max((c["size"] for c in checkpoints), default=None)
    return report


def main():
    parser = argparse.ArgumentParser(description="Verify a Cordon audit directory (see audit/FORMAT.md).")
    parser.add_argument("directory", help="the audit directory, <data>/audit")
    parser.add_argument("--pubkey", required=True, help="file holding the verifier key line")
    parser.add_argument("--checkpoint", help="a checkpoint kept elsewhere: prove the log is consistent with it")
    parser.add_argument("--cosigner", action="append", default=[],
                        help="a witness's verifier key file: its cosignature of --checkpoint must verify")
    args = parser.parse_args()
    if args.cosigner and not args.checkpoint:
        print("error: --cosigner checks the cosignatures of --checkpoint; give both", file=sys.stderr)
        return 2
    cosigners = []
    for path in args.cosigner:
        try:
            with open(path, "r", encoding="utf-8") as handle:
                cosigners.append(parse_verifier_key(handle.read()))
        except (OSError, ValueError, Problem) as error:
            print("error: cannot read the cosigner key %s: %s" % (path, error), file=sys.stderr)
            return 2
    saved = None
    if args.checkpoint:
        try:
            with open(args.checkpoint, "r", encoding="utf-8") as handle:
                saved = handle.read()
        except (OSError, ValueError) as error:
            print("error: cannot read the saved checkpoint: %s" % error, file=sys.stderr)
            return 2
    try:
        with open(args.pubkey, "r", encoding="utf-8") as handle:
            key_name, public_key = parse_verifier_key(handle.read())
    except (OSError, ValueError, Problem) as error:
        print("error: cannot read the verifier key: %s" % error, file=sys.stderr)
        return 2
    try:
        report = verify(args.directory, key_name, public_key, saved)
        with tempfile.TemporaryDirectory() as workdir:
            report["cosigned"] = [(name, check_cosignature(parse_checkpoint(saved), name, key, workdir))
                                  for name, key in cosigners]
    except Problem as problem:
        where = "sequence %d" % problem.sequence if problem.sequence is not None else "-"
        print("FAILED at %s: %s%s" % (where, problem, " (%s)" % problem.file if problem.file else ""))
        return 1
    except OSError as error:
        print("FAILED: cannot read the audit directory: %s" % error)
        return 1
    print("tree size %d" % report["size"])
    print("root %s" % report["root"].hex())
    print("checkpoints verified %d" % report["checkpoints"])
    if report.get("latest") is not None:
        print("latest checkpoint size %d" % report["latest"])
    if report.get("saved") is not None:
        print("consistent with the saved checkpoint of %d entries" % report["saved"])
    for name, time in report["cosigned"]:
        try:
            stamp = datetime.datetime.fromtimestamp(time, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, ValueError, OSError):
            stamp = "%d (Unix seconds)" % time
        print("cosigned by %s at %s" % (name, stamp))
    for warning in report["warnings"]:
        print("warning: %s" % warning)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
