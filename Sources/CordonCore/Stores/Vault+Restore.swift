import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation
import Synchronization

extension Vault {
    /// Replaces a region's store with an older copy — the one explicit way to accept a
    /// store behind its audited state — and erases again, in the restore's own audited
    /// transaction, everyone the audit trail says was erased from the region.
    ///
    /// The trail is the record that cannot be rolled back unnoticed (its anchors and
    /// witness, decision 0005): every `subject.erase` and `retention.expire` entry names
    /// the subject's pseudonym, so the pseudonym of every subject in the restored copy is
    /// computed and each one the trail names is erased — even when `control.db` was
    /// restored from a backup just as old and has lost the tombstone. `control.db`'s
    /// tombstones are applied too. The erasure records of the store being replaced (with
    /// their signed receipts) are carried over, so erasing such a subject again still
    /// returns the original receipt. The new commit state is audited (`store.restore`),
    /// which makes it the anchor future opens check against.
    public func restore(
        _ region: RegionID,
        from backup: URL,
        context: AccessContext
    ) throws -> (replayed: Int, commit: Int64) {
        guard configuration.regions[region] != nil else {
            throw VaultError(.unknownRegion, "no region '\(region)'")
        }
        let keyring = try keys.keyring(.region(region.rawValue))
        guard
            keyring.versions(of: .page).contains(where: { version in
                (try? keyring.dataKey(.page, as: PageKeyRole.self, version: version)).map {
                    StoreVerifier.opens(path: backup.path, with: PageEncryption(key: $0))
                } ?? false
            })
        else {
            throw VaultError(
                .invalidRequest,
                "\(backup.path) is not a store of region \(region) under any of its page keys"
            )
        }
        // What must not come back, gathered before anything is replaced.
        let trailErasures = try auditedErasures(in: region)
        let tombstones = try control.tombstones(region: region)
        let carried = currentErasureRows(region)

        // Its readers and writer finish what they are doing before the file is replaced.
        stores.withLock { $0.removeValue(forKey: region) }?.close()
        let path = RegionStore.url(for: region, in: dataDirectory)
        let staged = path.appendingPathExtension("restore")
        let store: RegionStore
        do {
            try? FileManager.default.removeItem(at: staged)
            try DurableFile.copy(backup, to: staged)
            for suffix in ["-wal", "-shm", "-journal"] {
                try DurableFile.remove(URL(fileURLWithPath: path.path + suffix))
            }
            try DurableFile.move(staged, to: path)
            store = try RegionStore(
                dataDirectory: dataDirectory,
                region: configuration.regions[region]!,
                policy: configuration.policy(for: region),
                keyring: keyring,
                algorithm: pageAlgorithm
            )
        } catch {
            // A full or failing volume: a stable code, as for every other write.
            throw VaultError.administrative(error, while: "restoring region \(region)'s store", in: .region(region))
        }
        let tombstoned = Dictionary(
            tombstones.map { ($0.subjectID, Int64($0.erasedAt.timeIntervalSince1970)) },
            uniquingKeysWith: min
        )
        let replayed = try eraseAgain(
            store,
            pseudonyms: trailErasures,
            ids: tombstoned.merging(carried.mapValues(\.erasedAt)) { first, _ in first },
            carried: carried,
            context: context
        ) { replayed in
            AuditRecord(
                action: .storeRestore,
                regions: [region],
                subjects: replayed.subjects,
                details: [
                    "replayedErasures": .integer(Int64(replayed.subjects.count)),
                    "erasuresOnlyInTrail": .integer(
                        Int64(replayed.subjects.filter { tombstoned[$0.rawValue] == nil }.count)
                    ),
                    "auditedErasures": .integer(Int64(trailErasures.count)),
                ]
            )
        }
        stores.withLock { $0[region] = store }
        unavailableStores.withLock { $0[region] = nil }
        return (replayed.subjects.count, try store.anchor().counter)
    }

    /// The subjects ``eraseAgain(_:pseudonyms:ids:carried:context:record:)`` erased, with
    /// what it deleted.
    struct ReplayedErasures: Sendable {
        var subjects: [SubjectID] = []
        var events = 0
        var consents = 0
    }

    /// Erases again, in one audited write to `store` (which the vault need not serve yet),
    /// every subject the store holds whose pseudonym is in `pseudonyms` or whose id is in
    /// `ids` (each with the time it was first erased), and keeps the erasure records of
    /// `carried`. Each subject erased here gets an erasure record with a receipt naming
    /// this write's entry — the statement that it is erased (again) — unless it already
    /// has one (a carried original). `record` describes the write (`nil`: nothing to record,
    /// when nothing was erased).
    func eraseAgain(
        _ store: RegionStore,
        pseudonyms: [String: Int64],
        ids: [String: Int64],
        carried: [String: ErasureRow] = [:],
        context: AccessContext,
        record: (ReplayedErasures) -> AuditRecord?
    ) throws -> ReplayedErasures {
        let now = Int64(Date().timeIntervalSince1970)
        var counts: [SubjectID: [String: Int]] = [:]
        let (replayed, _) = try write(
            .region(store.region.id),
            on: store.pool,
            context: context,
            { db -> ReplayedErasures in
                var replayed = ReplayedErasures()
                for (sid, text) in try db.query("SELECT sid, id FROM subjects").map({
                    (try $0.get(Int64.self, at: 0), try $0.get(String.self, at: 1))
                }) {
                    guard let id = SubjectID(rawValue: text),
                        let erasedAt = pseudonyms[pseudonym(id)] ?? ids[text]
                    else { continue }
                    let deleted = try RegionStore.deleteSubject(sid: sid, in: db)
                    try db.execute(
                        """
                        INSERT INTO erasures(subject_id, erased_at) VALUES (\(text), \(erasedAt))
                        ON CONFLICT(subject_id) DO NOTHING
                        """
                    )
                    counts[id] = deleted
                    replayed.subjects.append(id)
                    replayed.events += deleted["events"] ?? 0
                    replayed.consents += deleted["consents"] ?? 0
                }
                for (subject, row) in carried {
                    try db.execute(
                        """
                        INSERT INTO erasures(subject_id, erased_at, receipt, dsr_request)
                        VALUES (\(subject), \(row.erasedAt), \(row.receipt), \(row.dsrRequest))
                        ON CONFLICT(subject_id) DO UPDATE SET receipt = coalesce(erasures.receipt, excluded.receipt),
                          dsr_request = coalesce(erasures.dsr_request, excluded.dsr_request)
                        """
                    )
                }
                return replayed
            },
            entry: { replayed in record(replayed) },
            afterAppend: { db, replayed, entry in
                for id in replayed.subjects {
                    let receipt = try ErasureReceipt.sign(
                        ErasureReceipt.Body(
                            subjectId: id,
                            subjectPseudonym: pseudonym(id),
                            region: store.region.id.rawValue,
                            policy: store.policy.id.rawValue,
                            policyVersion: store.policy.version,
                            erasedAt: Self.rfc3339(now),
                            erased: counts[id] ?? [:],
                            auditSequence: entry.sequence,
                            requestId: context.requestID
                        ),
                        with: signingKey
                    )
                    try db.execute(
                        "UPDATE erasures SET receipt = \(try receipt.storedText()) WHERE subject_id = \(id.rawValue) AND receipt IS NULL"
                    )
                }
            }
        )
        return replayed
    }

    /// One row of a region store's `erasures` table.
    struct ErasureRow: Sendable {
        var erasedAt: Int64
        var receipt: String?
        var dsrRequest: String?
    }

    /// The erasure records of the store a restore is about to replace, when it still opens
    /// (it may be damaged, missing or rolled back itself): their receipts are kept.
    private func currentErasureRows(_ region: RegionID) -> [String: ErasureRow] {
        guard FileManager.default.fileExists(atPath: RegionStore.url(for: region, in: dataDirectory).path),
            let store = stores.withLock({ $0[region] }) ?? (try? openStore(region))
        else { return [:] }
        let rows = try? store.read { db in
            try db.query("SELECT subject_id, erased_at, receipt, dsr_request FROM erasures").map { row in
                (
                    try row.get(String.self, at: 0),
                    ErasureRow(
                        erasedAt: try row.get(Int64.self, at: 1),
                        receipt: try row.get(String?.self, at: 2),
                        dsrRequest: try row.get(String?.self, at: 3)
                    )
                )
            }
        }
        return Dictionary(rows ?? [], uniquingKeysWith: { first, _ in first })
    }

    /// The subjects the audit trail records as erased from `region` — the pseudonym of
    /// each `subject.erase` or `retention.expire` entry that says `ok` — with the time (Unix
    /// seconds) of the first such entry. Entries that record an attempt which then did not
    /// commit count too: the person asked to be erased, and erasing again errs on their side.
    func auditedErasures(in region: RegionID) throws -> [String: Int64] {
        try auditedErasures()[region] ?? [:]
    }

    /// ``auditedErasures(in:)`` for every region, in one pass over the trail.
    func auditedErasures() throws -> [RegionID: [String: Int64]] {
        var erased: [RegionID: [String: Int64]] = [:]
        for action in [AuditAction.subjectErase, .retentionExpire] {
            for entry in try trailEntries(action: action) where entry.outcome == .ok {
                let seconds = entry.time.millisecondsSince1970 / 1000
                for region in entry.regions.map(RegionID.init(rawValue:)) {
                    for subject in entry.subjects {
                        erased[region, default: [:]][subject] = min(erased[region]?[subject] ?? .max, seconds)
                    }
                }
            }
        }
        return erased
    }

    /// Every entry of the trail with exactly this action, oldest first. Lines that do not
    /// name it are skipped before they are hashed or decoded.
    func trailEntries(action: AuditAction) throws -> [AuditEntry] {
        var found: [AuditEntry] = []
        let size = audit.treeSize
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + 4096)
            do {
                found += try audit.entries(in: start..<end, containing: "\"\(action)\"").filter {
                    $0.action == action.rawValue
                }
            } catch {
                throw VaultError(.auditUnavailable, "cannot read the audit trail: \(error.message)")
            }
            start = end
        }
        return found
    }
}
