import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Synchronization

@testable import CordonCore

/// Compares what a vault's trail claims (``TrailClaims``) with what its stores hold: the
/// oracle of the fault matrix and the disk-full tests. Every difference is a problem: an
/// `ok` entry whose effect is missing (the trail claims an effect that did not happen), or
/// an effect no entry claims (a change the trail does not show).
enum VaultLedger {
    /// Where `vault`'s stores and trail disagree; empty when they tell one story.
    ///
    /// `live`: the vault is still running, and a write whose COMMIT failed while the trail
    /// could not record that either (one full volume for both) is read as the next open
    /// would read it: interrupted, if its store is exactly one write behind it. The vault
    /// must record it before that store is written again.
    static func problems(_ vault: Vault, analysts: [String] = ["ana"], live: Bool = false) throws -> [String] {
        let entries = try vault.audit.entries(in: 0..<vault.audit.treeSize)
        var claims = TrailClaims(entries)
        if live {
            var uncommitted: Set<UInt64> = []
            for (store, write) in claims.newestWrites {
                guard let before = write.before else { continue }
                let anchor: StoreAnchor
                if store == "control" {
                    anchor = try vault.control.anchor()
                } else if let opened = try? vault.store(RegionID(rawValue: store)) {
                    anchor = try opened.anchor()
                } else {
                    continue
                }
                if before == .init(counter: anchor.counter, batch: anchor.batch) { uncommitted.insert(write.sequence) }
            }
            if !uncommitted.isEmpty { claims = TrailClaims(entries, uncommitted: uncommitted) }
        }
        var problems = claims.problems
        // A live vault may hold a failed rotation's error entry the trail could not take yet.
        let unrecorded = live ? Set(vault.corrections.withLock { $0.map(\.record.action) }) : []

        // Each anchored store is where the trail last put it.
        let control = try vault.control.anchor()
        if let stated = claims.anchors["control"], stated != .init(counter: control.counter, batch: control.batch) {
            problems.append("control.db is at \(control), the trail says \(stated)")
        }
        for region in vault.regionIDs {
            let url = RegionStore.url(for: region, in: vault.dataDirectory)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if let stated = claims.anchors[region.rawValue], stated.counter > 0 {
                    problems.append("region store \(region) is missing, the trail says \(stated)")
                }
                continue
            }
            let store = try vault.store(region)
            let anchor = try store.anchor()
            let stated = claims.anchors[region.rawValue] ?? .init(counter: 0, batch: 0)
            if stated != .init(counter: anchor.counter, batch: anchor.batch) {
                problems.append("region store \(region) is at \(anchor), the trail says \(stated)")
            }
            let (events, ids) = try store.read { db in
                (
                    try db.scalar(Int64.self, "SELECT count(*) FROM events") ?? -1,
                    try db.query("SELECT id FROM subjects").map { try $0.get(String.self, at: 0) }
                )
            }
            let claimedEvents = claims.events(in: region.rawValue)
            if events != claimedEvents {
                problems.append("region store \(region) holds \(events) events, the trail claims \(claimedEvents)")
            }
            let stored = Set(ids.compactMap(SubjectID.init(rawValue:)).map(vault.pseudonym))
            let claimed = claims.subjects(in: region.rawValue)
            if stored != claimed {
                problems.append(
                    "region store \(region) holds \(stored.count) subjects, the trail claims \(claimed.count) (\(stored.subtracting(claimed).count) unclaimed, \(claimed.subtracting(stored).count) missing)"
                )
            }
            let tombstones = Set(
                try vault.control.tombstones(region: region).compactMap { SubjectID(rawValue: $0.subjectID) }
                    .map(vault.pseudonym)
            )
            let claimedTombstones = claims.tombstones(in: region.rawValue)
            if tombstones != claimedTombstones {
                problems.append(
                    "control.db holds \(tombstones.count) tombstones for \(region), the trail claims \(claimedTombstones.count)"
                )
            }
        }

        // control.db's records.
        let tokens = try vault.tokenRegistry().list()
        let claimedTokens = claims.tokens
        let storedTokens = Set(tokens.map(\.id))
        if storedTokens != claimedTokens.created {
            problems.append(
                "control.db holds tokens \(storedTokens.sorted()), the trail claims \(claimedTokens.created.sorted())"
            )
        }
        let revoked = Set(tokens.filter { $0.revokedAt != nil }.map(\.id))
        if revoked != claimedTokens.revoked {
            problems.append(
                "control.db has revoked \(revoked.sorted()), the trail claims \(claimedTokens.revoked.sorted())"
            )
        }
        let requests = Set(
            try vault.control.read("list requests") { db in try vault.dsr.list(filter: .all, now: Date(), in: db) }
                .map(\.id)
        )
        if requests != claims.registeredRequests {
            problems.append(
                "the DSR register holds \(requests.count) requests, the trail claims \(claims.registeredRequests.count) (\(requests.subtracting(claims.registeredRequests).count) unclaimed)"
            )
        }
        let now = Int64(Date().timeIntervalSince1970)
        for analyst in analysts {
            var spent: [String: Int64] = [:]
            for row in try BudgetLedger(store: vault.control).current(analyst: analyst, now: now) where row.spent > 0 {
                spent[row.region.rawValue, default: 0] += row.spent
            }
            let claimed = claims.budgetSpent(by: analyst)
            if spent != claimed {
                problems.append("control.db has \(analyst) spending \(spent) micro-ε, the trail claims \(claimed)")
            }
        }

        // Keys: every rotation the trail claims, and none it does not.
        for region in vault.regionIDs {
            let keyring = try vault.keys.keyring(.region(region.rawValue))
            let kek = claims.count("keys.rotate.kek", where: "keyring", is: "region:\(region)")
            if keyring.kekVersions.count != 1 + kek, !unrecorded.contains(.keysRotateKek) {
                problems.append(
                    "keyring \(region) has \(keyring.kekVersions.count) KEK versions, the trail claims \(kek) rotations"
                )
            }
            // The store is sealed under the page key the last rotation the trail claims
            // names (version 1 before any); failed rotations may leave unused versions.
            let path = RegionStore.url(for: region, in: vault.dataDirectory).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let rotation = claims.effectiveEntries("keys.rotate.pages").last { $0.regions == [region.rawValue] }
            var claimedVersion = 1
            if case .integer(let version)? = rotation?.details["pageKeyVersion"] { claimedVersion = Int(version) }
            let algorithm = StoreVerifier.algorithm(ofStoreAt: path) ?? .xChaCha20Poly1305
            let opening = try keyring.versions(of: .page).filter { version in
                StoreVerifier.opens(
                    path: path,
                    with: PageEncryption(
                        key: try keyring.dataKey(.page, as: PageKeyRole.self, version: version),
                        algorithm: algorithm
                    )
                )
            }
            if opening != [claimedVersion], !unrecorded.contains(.keysRotatePages) {
                problems.append(
                    "region store \(region) opens under page key \(opening), the trail claims version \(claimedVersion)"
                )
            }
        }
        return problems
    }
}
