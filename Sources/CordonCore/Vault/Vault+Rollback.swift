import CordonAudit
import Foundation

extension Vault {
    /// The detail key under which each audited write records its store's commit counter.
    static func commitDetailKey(_ region: RegionID) -> String { "store.\(region.rawValue).commit" }

    /// The last commit counter the audit trail recorded for `region`, scanning back from
    /// the newest entry (recent writes are at the end).
    func lastAuditedCommit(_ region: RegionID) throws -> (counter: Int64, sequence: UInt64)? {
        let key = Self.commitDetailKey(region)
        var end = audit.treeSize
        while end > 0 {
            let start = end > 4096 ? end - 4096 : 0
            let entries: [AuditEntry]
            do {
                // Only lines naming the key are decoded (a detail key is a canonical JSON string).
                entries = try audit.entries(in: start..<end, containing: "\"\(key)\"")
            } catch {
                throw VaultError(.auditUnavailable, "cannot read the audit trail: \(error.message)")
            }
            for entry in entries.reversed() {
                if case .integer(let counter)? = entry.details[key], entry.outcome == .ok {
                    return (counter, entry.sequence)
                }
            }
            end = start
        }
        return nil
    }

    /// Refuses a store whose commit counter is behind the audit trail.
    ///
    /// Writes append their audit entry inside the transaction, before COMMIT; a crash in
    /// between leaves the store exactly one commit behind an entry that is the newest in
    /// the whole log. That one case is tolerated with a warning; anything else behind is a
    /// restored older file or a dropped WAL tail, and is refused (`cordon restore` is the
    /// explicit path for an older file).
    func checkNotRolledBack(_ store: RegionStore) throws {
        guard let audited = try lastAuditedCommit(store.region.id) else { return }
        let counter = try store.commitCounter()
        if counter >= audited.counter { return }
        if counter == audited.counter - 1 && audited.sequence == audit.treeSize - 1 {
            // Re-anchor at the store's real state, in the trail itself, so the next open
            // compares against it (and a DPO sees the interrupted write).
            try record(
                AccessContext(actor: "cordon:recovery", role: "system"),
                action: "store.recovered",
                regions: [store.region.id],
                reason: "audited write at entry \(audited.sequence) did not commit (crash before COMMIT)",
                details: [Self.commitDetailKey(store.region.id): .integer(counter)]
            )
            addWarning(
                "region \(store.region.id): the last audited write (entry \(audited.sequence)) did not commit; treated as interrupted by a crash and recorded"
            )
            return
        }
        throw VaultError(
            .storeRolledBack,
            "region store \(RegionStore.url(for: store.region.id, in: dataDirectory).path) is at commit \(counter) but the audit trail recorded commit \(audited.counter) (entry \(audited.sequence)): the file is older than its audited state (restored or truncated); refusing to serve it"
        )
    }
}
