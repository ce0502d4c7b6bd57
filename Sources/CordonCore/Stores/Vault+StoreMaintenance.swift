import CordonAudit
import CordonCrypto
import CordonStore
import Foundation
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
        /// Pages the store should hold that no file holds (a file cut short).
        public var missingPages: [Int]
        /// The store's own commit counter, when it could be read.
        public var commit: Int64?
        /// The newest commit the audit trail records for the store.
        public var auditedCommit: Int64?
        /// What is wrong, one sentence each; empty when the store is intact.
        public var problems: [String]
        public var intact: Bool
        /// The stable code of what is wrong (`store_corrupt`, `store_missing`,
        /// `store_rolled_back`, `storage_unavailable`, `audit_trail_cut`), or `nil` when
        /// the store is intact or only one write the next open records as recovered.
        public var code: String?
    }

    /// Checks each region's store files without serving from them: every page and WAL
    /// frame authenticates, the file holds every page its header and WAL count, and the
    /// store's anchor matches the newest one the audit trail records (a store deleted,
    /// rolled back or replaced is reported, not skipped). Audited as `store.verify`.
    ///
    /// Each region is checked on its own: a store that does not open, fails
    /// authentication or cannot be read is that region's finding (with its ``StoreCheck/code``),
    /// never a failure of the whole check. Without `regions`, `control.db` is checked the
    /// same way, last, as `region: "control"`.
    public func verifyStores(_ regions: [RegionID]? = nil, context: AccessContext) throws -> [StoreCheck] {
        let includesControl = regions == nil
        for region in regions ?? [] where configuration.regions[region] == nil {
            throw VaultError(
                .unknownRegion,
                "no region '\(region)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let regions = regions ?? regionIDs
        let anchors = try latestAnchors(regions.map(AnchoredStore.region))
        var checks: [StoreCheck] = []
        for region in regions {
            if let check = try verifyStore(region, audited: anchors[.region(region)]) { checks.append(check) }
        }
        if includesControl { checks.append(try verifyControlStore()) }
        try record(
            context,
            action: .storeVerify,
            regions: checks.filter { $0.region != Self.controlCheckName }.map { RegionID(rawValue: $0.region) },
            outcome: checks.allSatisfy(\.intact) ? .ok : .error,
            reason: checks.allSatisfy(\.intact)
                ? nil : "problems in \(checks.filter { !$0.intact }.map(\.region).joined(separator: ", "))",
            details: ["pages": .integer(Int64(checks.reduce(0) { $0 + $1.pages }))]
        )
        return checks
    }

    /// One region's check; `nil` for a region whose store was never created or written.
    private func verifyStore(_ region: RegionID, audited: AuditedAnchor?) throws -> StoreCheck? {
        let path = RegionStore.url(for: region, in: dataDirectory).path
        var check = StoreCheck(region: region.rawValue, file: path, auditedCommit: audited?.counter)
        guard FileManager.default.fileExists(atPath: path) else {
            guard let audited, audited.counter > 0 else { return nil }
            check.problems.append(
                "the store is missing, but the audit trail records its commit \(audited.counter) (entry \(audited.sequence)): it was deleted"
            )
            check.intact = false
            check.code = VaultError.Code.storeMissing.name
            return check
        }
        do {
            let encryption = try RegionStore.pageEncryption(
                for: path,
                keyring: try keys.keyring(.region(region.rawValue))
            )
            let report = try StoreVerifier.verify(path: path, encryption: encryption)
            check.take(report)
        } catch let error as StoreError {
            check.problems.append("the store does not open: \(error.message)")
        } catch {
            // A key that cannot be read is this region's problem too, never the whole check's.
            check.problems.append("the store's page key cannot be read: \(error)")
            check.code = VaultError.Code.storageUnavailable.name
        }
        check.checkExtent(of: path, naming: "the store")
        if !check.problems.isEmpty { check.code = check.code ?? VaultError.Code.storeCorrupt.name }
        if check.problems.isEmpty {
            do {
                let store = try stores.withLock { $0[region] } ?? openStore(region)
                let state = try store.anchor()
                check.commit = state.counter
                let verdict = try Self.reconcile(.region(region), state: state, audited: audited) {
                    guard let audited else { return nil }
                    return try self.latestAnchors([.region(region)], before: audited.sequence)[.region(region)]
                }
                switch verdict {
                case .consistent: break
                case .recover(let reason, _): check.problems.append("one write behind the trail: \(reason)")
                case .rolledBack(let message):
                    check.problems.append(message)
                    check.code = VaultError.Code.storeRolledBack.name
                case .trailCut(let message):
                    check.problems.append(message)
                    check.code = VaultError.Code.auditTrailCut.name
                }
            } catch let error as VaultError where error.code != .auditUnavailable {
                check.problems.append("the store's commit counter cannot be read: \(error.message)")
                check.code = error.code.name
            }
        }
        check.intact = check.problems.isEmpty
        return check
    }

    /// Re-encrypts a region's store under a new page key: a new key version is added to
    /// the keyring first, then the store is copied under it and renamed over the old file
    /// (crash-safe: either file opens, and the store picks whichever key opens it).
    ///
    /// The copy is sealed with `algorithm` when given (moving the store to another page
    /// AEAD), otherwise with the one the store already uses. Returns the new key version
    /// and the algorithm the store is now under.
    ///
    /// Audited before the store changes (fail closed): if the copy then fails, an entry with
    /// `outcome: error` follows, saying whether the store is under the new key after all
    /// (`effect: applied`, when the rename happened but could not be made durable) or not.
    /// - Throws: ``VaultError`` (`storage_full`, `storage_unavailable`, `store_corrupt`, ...).
    public func rotatePageKey(
        _ region: RegionID,
        algorithm: PageCipher? = nil,
        context: AccessContext
    ) throws -> (version: Int, algorithm: PageCipher) {
        guard configuration.regions[region] != nil else {
            throw VaultError(.unknownRegion, "no region '\(region)'")
        }
        if let algorithm, !algorithm.isAvailable {
            throw VaultError(.invalidRequest, "this CPU cannot run \(algorithm.rawValue) (it lacks AES-NI or CLMUL)")
        }
        // Its connections must be closed: reads and writes in progress end first, later
        // ones fail ("closed ... retry") until the store reopens under the new key.
        stores.withLock { $0.removeValue(forKey: region) }?.close()
        let path = RegionStore.url(for: region, in: dataDirectory).path
        let action = "rotating the page key of region \(region)"
        let target = algorithm?.algorithm ?? StoreVerifier.algorithm(ofStoreAt: path) ?? pageAlgorithm
        let (old, new, version): (PageEncryption, PageEncryption, Int)
        do {
            old = try RegionStore.pageEncryption(for: path, keyring: try keys.keyring(.region(region.rawValue)))
            // A key no file uses yet: if anything below fails, it stays unused.
            version = try keys.addDataKeyVersion(.page, to: .region(region.rawValue))
            let keyring = try keys.keyring(.region(region.rawValue))
            new = PageEncryption(
                key: try keyring.dataKey(.page, as: PageKeyRole.self, version: version),
                algorithm: target
            )
        } catch {
            throw VaultError.administrative(error, while: action, in: .region(region))
        }
        let details: [String: AuditDetailValue] = [
            "pageKeyVersion": .integer(Int64(version)), "pageCipher": .string(target.rawValue),
        ]
        try record(context, action: .keysRotatePages, regions: [region], details: details)
        do {
            if FileManager.default.fileExists(atPath: path) {
                try PageEncryption.reencryptStore(at: path, from: old, to: new)
            }
        } catch {
            let applied = StoreVerifier.opens(path: path, with: new)
            recordCorrection(
                AuditRecord(
                    action: .keysRotatePages,
                    regions: [region],
                    outcome: .error,
                    reason: "\(error)",
                    details: details.merging(["effect": .string(applied ? "applied" : "none")]) { $1 }
                ),
                context: context
            )
            throw VaultError.administrative(error, while: action, in: .region(region))
        }
        return (version, PageCipher(target))
    }
}

extension Vault.StoreCheck {
    /// A check of `file` that has found nothing yet.
    init(region: String, file: String, auditedCommit: Int64?) {
        self.init(
            region: region,
            file: file,
            pages: 0,
            walFrames: 0,
            badPages: [],
            badWALFrames: [],
            missingPages: [],
            commit: nil,
            auditedCommit: auditedCommit,
            problems: [],
            intact: true,
            code: nil
        )
    }

    /// Takes in what authenticating every page and WAL frame found.
    mutating func take(_ report: StoreVerifier.Report) {
        pages = report.pageCount
        walFrames = report.walFrameCount
        badPages = report.badPages
        // Frames after the log are not part of the store: an ordinary crash tears the ones
        // SQLite was appending. A changed frame of the log ends the log there, and the
        // anchor check finds the store rolled back.
        badWALFrames = report.badFramesOfTheLog.map(\.frame)
        if !report.badPages.isEmpty || !badWALFrames.isEmpty {
            problems.append("\(report.badPages.count) pages and \(badWALFrames.count) WAL frames failed authentication")
        }
    }

    /// Reports pages the store should hold that no file holds (a file cut short).
    mutating func checkExtent(of path: String, naming store: String) {
        guard let extent = StoreVerifier.extent(path: path), extent.missingPageCount > 0 else { return }
        missingPages = extent.missingPages
        problems.append(
            "the file is cut short: \(store) has \(extent.expectedPages ?? 0) pages but \(extent.missingPageCount) of them are in no file"
        )
    }
}
