import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Glibc
import Synchronization

@testable import CordonCore

/// Every way Cordon changes what it stores, as the fault matrix drives it: one operation on
/// a copy of ``ReliabilityTemplate``, and what must hold afterwards if the call said it
/// succeeded.
enum WritePath: String, Sendable, CaseIterable, CustomStringConvertible {
    case ingestSubjects = "ingest subjects"
    case ingestEvents = "ingest events"
    case erase = "erase"
    case export = "export"
    case rectify = "rectify"
    case consent = "consent change"
    case retention = "retention"
    case rotateKEK = "KEK rotation"
    case rotateMaster = "master key rotation"
    case rotatePages = "page-key rotation"
    case restore = "store restore"
    case query = "budget spending (query)"
    case createToken = "token create"
    case revokeToken = "token revoke"
    case auditAppend = "audit append"
    case auditCheckpoint = "audit checkpoint"

    var description: String { rawValue }

    /// What ``run(_:attempt:)`` needs from the template, looked up before any fault is armed.
    struct Subjects: Sendable {
        var eu: SubjectID
        var eu2: SubjectID
        var erase: SubjectID
        var spare: SubjectID
        var tokens: [String]
    }

    static func subjects(in vault: Vault) throws -> Subjects {
        func id(_ externalID: String) throws -> SubjectID {
            guard let found = try vault.locate(.externalID(externalID)).first else {
                throw VaultError(.subjectNotFound, "the template lacks \(externalID)")
            }
            return found.subject.id
        }
        let tokens = try vault.tokenRegistry().list().filter { $0.revokedAt == nil }.map(\.id).sorted()
        return Subjects(
            eu: try id("t-eu-1"),
            eu2: try id("t-eu-2"),
            erase: try id("t-erase"),
            spare: try id("t-spare"),
            tokens: tokens
        )
    }

    static let context = AccessContext.localOperator("test:reliability")

    /// Runs the operation (attempt 0 under the fault; attempt 1 is the retry once the disk
    /// works again) and returns what must be true after a reopen if it reported success.
    func run(_ vault: Vault, subjects: Subjects, attempt: Int) throws -> (Vault) throws -> [String] {
        let context = Self.context
        let tag = "a\(attempt)-\(UUID().uuidString.prefix(6))"
        switch self {
        case .ingestSubjects:
            let lines = [
                VaultFixture.subject("n-eu-\(tag)", country: "DE", email: "\(tag)@example.com"),
                VaultFixture.subject("n-us-\(tag)", country: "US"),
            ]
            let summary = try vault.ingestSubjects(
                from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
                context: context
            )
            return { vault in
                // A region that cannot be written refuses its lines (region_unavailable) and
                // the call still answers: acknowledged means accepted.
                var problems: [String] = []
                for (externalID, region) in [("n-eu-\(tag)", "eu"), ("n-us-\(tag)", "us")] {
                    let accepted = (summary.acceptedByRegion[region] ?? 0) > 0
                    let found = try vault.locate(.externalID(externalID)).map(\.region.rawValue)
                    if found != (accepted ? [region] : []) {
                        problems.append(
                            "subject \(externalID) was \(accepted ? "accepted" : "refused") and is stored in \(found)"
                        )
                    }
                }
                return problems
            }
        case .ingestEvents:
            let before = try Self.eventCounts(vault)
            let lines = [
                VaultFixture.event("t-eu-1", ts: "2026-11-02T10:00:00Z", campaign: tag),
                VaultFixture.event("t-eu-2", ts: "2026-11-02T10:01:00Z", campaign: tag),
                VaultFixture.event("t-us-1", ts: "2026-11-02T10:02:00Z", campaign: tag),
            ]
            let summary = try vault.ingestEvents(
                from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
                context: context
            )
            return { vault in
                // Every event acknowledged is stored (a consent change earlier in the same
                // run may refuse t-eu-2's).
                let after = try Self.eventCounts(vault, campaign: tag).filter { $0.value > 0 }
                guard after == summary.acceptedByRegion.filter({ $0.value > 0 }) else {
                    return [
                        "acknowledged \(summary.acceptedByRegion) events; stored with their tag: \(after) (before: \(before))"
                    ]
                }
                return []
            }
        case .erase:
            // The retry erases the same subject again: that returns the original receipt and
            // finishes a control.db step (tombstone, register) the fault interrupted.
            let id = subjects.erase
            let receipt = try vault.erase(id, context: context)
            return { vault in
                var problems: [String] = []
                if try !vault.locate(.id(id)).isEmpty {
                    problems.append("acknowledged erasure of \(id) but it is stored")
                }
                if try !vault.control.tombstones(region: "eu").contains(where: { $0.subjectID == id.rawValue }) {
                    problems.append("erasure of \(id) acknowledged twice, and still no tombstone")
                }
                if !receipt.verify(publicKey: vault.auditPublicKey) { problems.append("the receipt does not verify") }
                return problems
            }
        case .export:
            _ = try vault.export(subjects.eu, context: context)
            return { vault in
                let claims = try TrailClaims(vault.audit.entries(in: 0..<vault.audit.treeSize))
                let pseudonym = vault.pseudonym(subjects.eu)
                return claims.effectiveEntries("subject.export").contains { $0.subjects == [pseudonym] }
                    ? [] : ["an acknowledged export is not in the trail"]
            }
        case .rectify:
            // Each attempt rectifies another subject, so a retry does not overwrite the first.
            let email = "r-\(tag)@example.com"
            let subject = attempt == 0 ? subjects.eu2 : subjects.eu
            try vault.rectify(subject, set: ["email": email], context: context)
            return { vault in
                try vault.locate(.email(email)).map(\.subject.id) == [subject]
                    ? [] : ["acknowledged rectification to \(email) is not stored"]
            }
        case .consent:
            let state: ConsentState = attempt == 0 ? .restricted : .objected
            try vault.recordConsent(subjects.eu2, purpose: "analytics", state: state, source: tag, context: context)
            return { vault in
                let store = try vault.store("eu")
                let stored = try store.read { db in
                    try db.scalar(Int.self, "SELECT count(*) FROM consents WHERE source = \(tag)")
                }
                return stored == 1 ? [] : ["acknowledged consent change \(tag) is stored \(stored ?? 0) times"]
            }
        case .retention:
            let now = Int64(Date().timeIntervalSince1970)
            _ = try vault.runRetention(context: context, now: now, batchSize: 2)
            return { vault in
                let old = try Self.eventCounts(vault, before: Timestamp.parse("2021-01-01T00:00:00Z")!)
                return old.values.allSatisfy { $0 == 0 } ? [] : ["acknowledged retention left expired events: \(old)"]
            }
        case .rotateKEK:
            let before = try vault.keys.keyring(.region("eu")).kekVersions.count
            _ = try vault.rotateKEK(.region("eu"), context: context)
            return { vault in
                let after = try vault.keys.keyring(.region("eu")).kekVersions.count
                return after > before ? [] : ["acknowledged KEK rotation left \(after) KEK versions"]
            }
        case .rotateMaster:
            let before = vault.keys.masterKeyID
            let report = try vault.rotateMasterKey(
                source: .keyFile(vault.dataDirectory.appendingPathComponent("master.key")),
                context: context
            )
            return { vault in
                vault.keys.masterKeyID == report.newMasterKeyID && before != report.newMasterKeyID
                    ? []
                    : [
                        "acknowledged master rotation to \(report.newMasterKeyID ?? "?") but the vault opens with \(vault.keys.masterKeyID)"
                    ]
            }
        case .rotatePages:
            let (version, _) = try vault.rotatePageKey("eu", context: context)
            return { vault in
                // The retry rotates again: the store is under this version or a later one.
                let path = RegionStore.url(for: "eu", in: vault.dataDirectory).path
                let keyring = try vault.keys.keyring(.region("eu"))
                let opens = try keyring.versions(of: .page).filter { $0 >= version }.contains { later in
                    StoreVerifier.opens(
                        path: path,
                        with: PageEncryption(key: try keyring.dataKey(.page, as: PageKeyRole.self, version: later))
                    )
                }
                return opens ? [] : ["acknowledged page rotation to v\(version), but the store is under an older key"]
            }
        case .restore:
            let backup = vault.dataDirectory.appendingPathComponent("backups/eu.db")
            let (_, commit) = try vault.restore("eu", from: backup, context: context)
            return { vault in
                let now = try vault.store("eu").anchor().counter
                return now >= commit ? [] : ["acknowledged restore at commit \(commit), the store is at \(now)"]
            }
        case .query:
            _ = try vault.query(
                "SELECT channel, COUNT(DISTINCT subject) FROM events WHERE campaign = '\(tag)' GROUP BY channel",
                purpose: "analytics",
                analyst: "ana",
                context: context
            )
            return { _ in [] }  // the ledger check compares every spend with the trail
        case .createToken:
            let issued = try vault.tokenRegistry().create(
                name: "tok-\(tag)",
                role: .dpo,
                scope: .regions(["eu"]),
                context: context
            )
            return { vault in
                try vault.tokenRegistry().authenticate(issued.secret)?.id == issued.token.id
                    ? [] : ["acknowledged token \(issued.token.id) does not authenticate"]
            }
        case .revokeToken:
            let id = subjects.tokens[attempt]
            try vault.tokenRegistry().revoke(id: id, context: context)
            return { vault in
                try vault.tokenRegistry().token(id: id).revokedAt != nil
                    ? [] : ["acknowledged revocation of \(id) is lost"]
            }
        case .auditAppend:
            let receipt = try vault.recordAccess(context, action: .httpRequest, outcome: .ok, details: ["tag": tag])
            return { vault in
                let entry = try vault.audit.entry(at: receipt.sequence)
                return entry.details["tag"] == .string(tag)
                    ? [] : ["acknowledged entry \(receipt.sequence) is not \(tag)"]
            }
        case .auditCheckpoint:
            // An entry first, so the checkpoint has something new to sign.
            _ = try vault.recordAccess(context, action: .httpRequest, outcome: .ok, details: ["tag": tag])
            let checkpoint = try vault.audit.checkpoint()
            return { vault in
                (vault.audit.latestCheckpoint?.treeSize ?? 0) >= checkpoint.treeSize
                    ? [] : ["acknowledged checkpoint of \(checkpoint.treeSize) entries is lost"]
            }
        }
    }

    /// Events per region (with campaign `campaign`, or older than `before`, when given).
    static func eventCounts(_ vault: Vault, campaign: String? = nil, before: Date? = nil) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for region in vault.regionIDs
        where FileManager.default.fileExists(atPath: RegionStore.url(for: region, in: vault.dataDirectory).path) {
            let store = try vault.store(region)
            counts[region.rawValue] = try store.read { db in
                if let campaign {
                    return try db.scalar(Int.self, "SELECT count(*) FROM events WHERE campaign = \(campaign)") ?? 0
                }
                if let before {
                    let cutoff = Int64(before.timeIntervalSince1970)
                    return try db.scalar(Int.self, "SELECT count(*) FROM events WHERE ts < \(cutoff)") ?? 0
                }
                return try db.scalar(Int.self, "SELECT count(*) FROM events") ?? 0
            }
        }
        return counts
    }
}

/// A closed data directory holding a little of everything the write paths touch: subjects
/// and events in three regions (some past retention), two tokens, and a backup of the EU
/// store. Built once per test process; each fault point runs on a copy.
enum ReliabilityTemplate {
    private static let built = Mutex<URL?>(nil)

    static func directory() throws -> URL {
        try built.withLock { built in
            if let built { return built }
            let url = try build()
            built = url
            return url
        }
    }

    /// A copy of the template for one run, removed with the returned directory.
    static func copy() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let data = directory.url.appendingPathComponent("data")
        try FileManager.default.copyItem(at: try Self.directory(), to: data)
        return directory
    }

    private static func build() throws -> URL {
        let root = FileManager.default.temporaryDirectory
        // Templates of test processes that are gone.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        where name.hasPrefix("cordon-reliability-template-") {
            if let pid = Int32(name.dropFirst("cordon-reliability-template-".count)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
            }
        }
        let url = root.appendingPathComponent("cordon-reliability-template-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        let source = ShippedVault.keyFile(in: url)
        try ShippedVault.initialize(at: url, source: source)
        let vault = try ShippedVault.open(at: url, source: source)
        let context = WritePath.context
        let subjects = [
            VaultFixture.subject("t-eu-1", country: "DE", email: "t-eu-1@example.com"),
            VaultFixture.subject("t-eu-2", country: "FR", email: "t-eu-2@example.com"),
            VaultFixture.subject("t-erase", country: "NL", email: "t-erase@example.com"),
            VaultFixture.subject("t-spare", country: "IT"),
            VaultFixture.subject("t-us-1", country: "US"),
            VaultFixture.subject("t-uk-1", country: "GB"),
        ]
        _ = try vault.ingestSubjects(
            from: LineReader(bytes: Array(subjects.joined(separator: "\n").utf8)),
            context: context
        )
        var events: [String] = []
        for subject in ["t-eu-1", "t-eu-2", "t-erase", "t-spare", "t-us-1", "t-uk-1"] {
            events.append(VaultFixture.event(subject, ts: "2020-03-01T10:00:00Z"))  // past every retention
            events.append(VaultFixture.event(subject, ts: "2026-11-01T10:00:00Z", event: "purchase", amount: 1200))
        }
        _ = try vault.ingestEvents(
            from: LineReader(bytes: Array(events.joined(separator: "\n").utf8)),
            context: context
        )
        let tokens = try vault.tokenRegistry()
        for name in ["t-token-1", "t-token-2"] {
            _ = try tokens.create(name: name, role: .dpo, scope: .regions(["eu"]), context: context)
        }
        try vault.close()
        let backups = url.appendingPathComponent("backups")
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: RegionStore.url(for: "eu", in: url),
            to: backups.appendingPathComponent("eu.db")
        )
        return url
    }
}
