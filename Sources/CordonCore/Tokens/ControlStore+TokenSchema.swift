import CordonStore

extension ControlStore {
    /// Version 5 of `control.db`: the purposes an analyst token may query, and token names
    /// unique among active tokens (decision 0008).
    ///
    /// - `purposes` is the comma-separated, sorted purpose list; `''` for every role but
    ///   analyst. Analyst tokens issued before this version get `''` too: least privilege,
    ///   they may query nothing until an admin issues a token naming its purposes (the
    ///   query refusal says so). Nothing in the old rows says which purposes were meant.
    /// - Names become unique among active tokens (`revoked_at IS NULL`), so the name an
    ///   audit entry shows beside a token id means one token at a time, and a rotated token
    ///   may take the name back (analysts' budgets are keyed by it). Existing duplicates
    ///   keep the name on the oldest active token (created first, then lowest id); each
    ///   later one is renamed `<name>~<its id>` (the name cut to fit 64 characters), which
    ///   authenticates as before and says where it came from. Revoked tokens keep theirs.
    static func registerTokenPurposes(in migrator: inout Migrator) {
        migrator.register(version: 5, name: "token purposes and unique active names") { connection in
            try connection.execute(script: "ALTER TABLE api_tokens ADD COLUMN purposes TEXT NOT NULL DEFAULT '';")
            let active = try connection.query(
                "SELECT id, name FROM api_tokens WHERE revoked_at IS NULL ORDER BY created_at, id"
            ).map { (id: try $0.get(String.self, at: 0), name: try $0.get(String.self, at: 1)) }
            var taken = Set(active.map(\.name))
            var kept: Set<String> = []
            for token in active where !kept.insert(token.name).inserted {
                let name = uniqueName(for: token.name, id: token.id, avoiding: taken)
                taken.insert(name)
                try connection.execute("UPDATE api_tokens SET name = \(name) WHERE id = \(token.id)")
            }
            try connection.execute(
                script: "CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens(name) WHERE revoked_at IS NULL;"
            )
        }
    }

    /// `<name>~<id>` within the 64 characters a name may have, not in `taken` (a further
    /// `~2`, `~3`... in the unlikely case someone already chose that name).
    static func uniqueName(for name: String, id: String, avoiding taken: Set<String>) -> String {
        var attempt = 1
        while true {
            let suffix = "~" + id + (attempt == 1 ? "" : "~\(attempt)")
            let candidate = String(name.prefix(max(0, 64 - suffix.count))) + suffix
            if !taken.contains(candidate) { return candidate }
            attempt += 1
        }
    }
}
