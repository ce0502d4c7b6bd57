import CordonAudit
import CordonCrypto
public import CordonStore
public import Foundation
import Synchronization

extension Vault {
    /// What `cordon store verify` found in one region's files.
    public struct StoreCheck: Sendable, Codable {
        public var region: String
        public var file: String
        public var pages: Int
        public var walFrames: Int
        public var badPages: [Int]
        public var badWALFrames: [Int]
        public var intact: Bool
    }

    /// Reads every page of each region's store (and its WAL) and authenticates it,
    /// without opening the store through SQLite. Audited as `store.verify`.
    public func verifyStores(_ regions: [RegionID]? = nil, context: AccessContext) throws -> [StoreCheck] {
        var checks: [StoreCheck] = []
        for region in regions ?? regionIDs {
            guard configuration.regions[region] != nil else {
                throw VaultError(
                    .unknownRegion,
                    "no region '\(region)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
                )
            }
            let path = RegionStore.url(for: region, in: dataDirectory).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let encryption = try RegionStore.pageEncryption(
                for: path,
                keyring: try keys.keyring(.region(region.rawValue))
            )
            let report = try StoreVerifier.verify(path: path, encryption: encryption)
            checks.append(
                StoreCheck(
                    region: region.rawValue,
                    file: path,
                    pages: report.pageCount,
                    walFrames: report.walFrameCount,
                    badPages: report.badPages,
                    badWALFrames: report.badWALFrames.map(\.frame),
                    intact: report.isIntact
                )
            )
        }
        try record(
            context,
            action: "store.verify",
            regions: checks.map { RegionID(rawValue: $0.region) },
            outcome: checks.allSatisfy(\.intact) ? .ok : .error,
            reason: checks.allSatisfy(\.intact) ? nil : "pages failed authentication",
            details: ["pages": .integer(Int64(checks.reduce(0) { $0 + $1.pages }))]
        )
        return checks
    }

    /// Re-encrypts a region's store under a new page key: a new key version is added to
    /// the keyring first, then the store is copied under it and renamed over the old file
    /// (crash-safe: either file opens, and the store picks whichever key opens it).
    ///
    /// The copy is sealed with `algorithm` when given (moving the store to another page
    /// AEAD), otherwise with the one the store already uses. Returns the new key version
    /// and the algorithm the store is now under.
    public func rotatePageKey(
        _ region: RegionID,
        algorithm: PageEncryption.Algorithm? = nil,
        context: AccessContext
    ) throws -> (version: Int, algorithm: PageEncryption.Algorithm) {
        guard configuration.regions[region] != nil else {
            throw VaultError(.unknownRegion, "no region '\(region)'")
        }
        if let algorithm, !algorithm.isAvailable {
            throw VaultError(.invalidRequest, "this CPU cannot run \(algorithm.rawValue) (it lacks AES-NI or CLMUL)")
        }
        stores.withLock { _ = $0.removeValue(forKey: region) }  // its connection must be closed
        let path = RegionStore.url(for: region, in: dataDirectory).path
        let target = algorithm ?? StoreVerifier.algorithm(ofStoreAt: path) ?? pageAlgorithm
        let old = try RegionStore.pageEncryption(for: path, keyring: try keys.keyring(.region(region.rawValue)))
        let version = try keys.addDataKeyVersion(.page, to: .region(region.rawValue))
        let keyring = try keys.keyring(.region(region.rawValue))
        let new = PageEncryption(
            key: try keyring.dataKey(.page, as: PageKeyRole.self, version: version),
            algorithm: target
        )
        if FileManager.default.fileExists(atPath: path) {
            try PageEncryption.reencryptStore(at: path, from: old, to: new)
        }
        try record(
            context,
            action: "keys.rotate.pages",
            regions: [region],
            details: ["pageKeyVersion": .integer(Int64(version)), "pageCipher": .string(target.rawValue)]
        )
        return (version, target)
    }

    /// Replaces a region's store with an older copy — the one explicit way to accept a
    /// store behind its audited state — then re-applies every erasure recorded since (the
    /// tombstones in `control.db`), so an erased person never comes back. The new commit
    /// state is audited, which makes it the anchor future opens check against.
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
        stores.withLock { _ = $0.removeValue(forKey: region) }
        let path = RegionStore.url(for: region, in: dataDirectory)
        let staged = path.appendingPathExtension("restore")
        try? FileManager.default.removeItem(at: staged)
        try DurableFile.copy(backup, to: staged)
        for suffix in ["-wal", "-shm", "-journal"] {
            try DurableFile.remove(URL(fileURLWithPath: path.path + suffix))
        }
        try DurableFile.move(staged, to: path)

        let store = try RegionStore(
            dataDirectory: dataDirectory,
            region: configuration.regions[region]!,
            policy: configuration.policy(for: region),
            keyring: keyring,
            algorithm: pageAlgorithm
        )
        let tombstones = try control.tombstones(region: region)
        let replayed = try store.write(
            { db -> Int in
                var replayed = 0
                for tombstone in tombstones {
                    guard
                        let sid = try db.scalar(
                            Int64.self,
                            "SELECT sid FROM subjects WHERE id = \(tombstone.subjectID)"
                        )
                    else { continue }
                    try db.execute("DELETE FROM events WHERE sid = \(sid)")
                    try db.execute("DELETE FROM consents WHERE sid = \(sid)")
                    try db.execute("DELETE FROM subject_keys WHERE sid = \(sid)")
                    try db.execute("DELETE FROM subjects WHERE sid = \(sid)")
                    try db.execute(
                        "INSERT OR REPLACE INTO erasures(subject_id, erased_at) VALUES (\(tombstone.subjectID), \(Int64(tombstone.erasedAt.timeIntervalSince1970)))"
                    )
                    replayed += 1
                }
                return replayed
            },
            record: { replayed, counter in
                try self.record(
                    context,
                    action: "store.restore",
                    regions: [region],
                    details: [
                        "replayedErasures": .integer(Int64(replayed)), Vault.commitDetailKey(region): .integer(counter),
                    ]
                )
            }
        )
        stores.withLock { $0[region] = store }
        return (replayed, try store.commitCounter())
    }
}
