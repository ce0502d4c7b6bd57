import CordonAudit
import CordonCrypto
import CordonTestSupport
import Foundation
import Glibc
import Synchronization

@testable import CordonCore

/// Data directories for the tamper matrix, built once per test process:
///
/// - `current`: the state being tampered with, copied while the vault was still open, so
///   region stores and `control.db` have their WAL (as after a crash), the trail has
///   several segments and numbered checkpoints;
/// - `old`: the same directory earlier (fewer writes), for replaying and rolling back files;
/// - `foreign`: another instance, for swapping in a file of the same kind from elsewhere;
/// - `passphrase`: an instance whose master key comes from a passphrase (`master.kdf`);
/// - `saved`: the newest checkpoint of `current`, as a DPO keeps it off the machine;
/// - `pubkey`: the verifier key line.
struct TamperTemplate: Sendable {
    let root: URL
    var current: URL { root.appendingPathComponent("current") }
    var old: URL { root.appendingPathComponent("old") }
    var foreign: URL { root.appendingPathComponent("foreign") }
    var passphrase: URL { root.appendingPathComponent("passphrase") }
    var saved: URL { root.appendingPathComponent("saved-checkpoint") }
    var pubkey: URL { root.appendingPathComponent("pubkey.txt") }
    static let passphraseText = "correct horse battery staple"

    private static let built = Mutex<TamperTemplate?>(nil)

    static func shared() throws -> TamperTemplate {
        try built.withLock { built in
            if let built { return built }
            let template = try build()
            built = template
            return template
        }
    }

    static let configuration: PolicyConfiguration = try! PolicyConfiguration.load(from: CordonProcess.packageRoot)
    static let context = AccessContext.localOperator("test:tamper")

    /// Small segments and frequent checkpoints, so segments and numbered checkpoints can be swapped.
    static var audit: AuditConfiguration {
        var audit = AuditConfiguration()
        audit.segmentMaxEntries = 6
        audit.checkpointEveryEntries = 4
        audit.checkpointEveryMilliseconds = 0
        return audit
    }

    private static func build() throws -> TamperTemplate {
        let base = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []
        where name.hasPrefix("cordon-tamper-template-") {
            if let pid = Int32(name.dropFirst("cordon-tamper-template-".count)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
            }
        }
        let template = TamperTemplate(root: base.appendingPathComponent("cordon-tamper-template-\(getpid())"))
        try? FileManager.default.removeItem(at: template.root)
        try FileManager.default.createDirectory(at: template.root, withIntermediateDirectories: true)
        let live = template.root.appendingPathComponent("live")
        let source = MasterKeySource.keyFile(live.appendingPathComponent("master.key"))
        try initialize(live, source: source)

        func open() throws -> Vault {
            try Vault.open(dataDirectory: live, configuration: configuration, source: source, auditConfiguration: audit)
        }
        // The old copy: a first day of writes, closed cleanly (no WAL).
        var vault: Vault! = try open()
        try ingest(vault, subjects: [("o-eu-1", "DE"), ("o-eu-2", "FR"), ("o-uk-1", "GB"), ("o-us-1", "US")])
        _ = try vault.tokenRegistry().create(name: "old", role: .dpo, scope: .regions(["eu"]), context: context)
        try vault.close()
        vault = nil
        try FileManager.default.copyItem(at: live, to: template.old)

        // Every file moves on: more writes, a KEK and a master-key rotation, closed cleanly...
        vault = try open()
        try ingest(vault, subjects: [("m-eu-1", "ES"), ("m-uk-1", "GB")])
        _ = try vault.rotateKEK(.region("eu"), context: context)
        _ = try vault.rotateMasterKey(source: source, passphraseParameters: .testing, context: context)
        _ = try vault.tokenRegistry().create(name: "middle", role: .dpo, scope: .regions(["us"]), context: context)
        try vault.close()
        vault = nil

        // ... then the newest writes, still in the WALs when the copy is taken.
        vault = try open()
        try ingest(vault, subjects: [("n-eu-1", "IT"), ("n-uk-1", "GB")])
        // Several anchored control.db writes: dropping its WAL is more than its last write.
        for name in ["new-1", "new-2", "new-3"] {
            _ = try vault.tokenRegistry().create(name: name, role: .dpo, scope: .regions(["uk"]), context: context)
        }
        let checkpoint = try vault.audit.checkpoint()
        try Data(checkpoint.text.utf8).write(to: template.saved)
        try Data((vault.audit.verifierKey.description + "\n").utf8).write(to: template.pubkey)
        vault.witness.drain()
        // A copy taken while the vault is open: what a crash leaves (WAL files with the
        // newest commits); the WAL index is rebuilt from the WAL on open.
        try FileManager.default.copyItem(at: live, to: template.current)
        for wal in ["regions/eu.db-shm", "regions/uk.db-shm", "regions/us.db-shm", "control.db-shm"] {
            try? FileManager.default.removeItem(at: template.current.appendingPathComponent(wal))
        }
        vault.audit.abandon()
        vault = nil
        try FileManager.default.removeItem(at: live)

        let foreignSource = MasterKeySource.keyFile(template.foreign.appendingPathComponent("master.key"))
        try initialize(template.foreign, source: foreignSource)
        let foreign = try Vault.open(
            dataDirectory: template.foreign,
            configuration: configuration,
            source: foreignSource
        )
        try ingest(foreign, subjects: [("f-eu-1", "DE"), ("f-uk-1", "GB")])
        try foreign.close()

        try initialize(template.passphrase, source: .passphrase(Array(passphraseText.utf8)))
        return template
    }

    private static func initialize(_ url: URL, source: MasterKeySource) throws {
        _ = try DataDirectory.initialize(
            at: url,
            regions: configuration.regions.keys.map(\.rawValue),
            source: source,
            passphraseParameters: .testing
        )
    }

    private static func ingest(_ vault: Vault, subjects: [(String, String)]) throws {
        let lines = subjects.map { externalID, country in
            #"{"externalId":"\#(externalID)","country":"\#(country)","consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"2025-01-01T00:00:00Z"}]}"#
        }
        _ = try vault.ingestSubjects(
            from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
            context: context
        )
        let events = subjects.flatMap { externalID, _ in
            (0..<3).map { index in
                #"{"externalId":"\#(externalID)","ts":"2026-11-0\#(index + 1)T10:00:00Z","event":"page_view","purpose":"analytics"}"#
            }
        }
        _ = try vault.ingestEvents(
            from: LineReader(bytes: Array(events.joined(separator: "\n").utf8)),
            context: context
        )
    }
}
