import CordonAudit
import CordonCrypto
import CordonTestSupport
import Foundation

@testable import CordonCore

/// A vault in a temporary directory under the shipped policies, with helpers to ingest
/// lines written as Swift strings.
final class VaultFixture {
    static var packageRoot: URL { TestPackage.root }
    static var configuration: PolicyConfiguration { ShippedVault.configuration }

    let directory: TemporaryDirectory
    /// Set to nil to release every connection (for file surgery between opens).
    var vault: Vault!
    let context = AccessContext.localOperator("test:fixture")

    /// How the vault's audit log runs; tests that cut the trail turn the checkpoint timer
    /// off so they decide when checkpoints (and their witness) are written.
    let auditConfiguration: AuditConfiguration

    init(auditConfiguration: AuditConfiguration = AuditConfiguration()) throws {
        self.auditConfiguration = auditConfiguration
        let directory = try TemporaryDirectory()
        let source = ShippedVault.keyFile(in: directory.url)
        try ShippedVault.initialize(at: directory.url, source: source)
        self.directory = directory
        vault = try ShippedVault.open(at: directory.url, source: source, auditConfiguration: auditConfiguration)
    }

    var source: MasterKeySource { ShippedVault.keyFile(in: directory.url) }

    /// Closes and reopens the vault (a restart).
    func reopen() throws {
        try vault?.close()
        vault = nil
        vault = try open()
    }

    /// Opens the vault of this directory again (after `vault` was closed and released).
    func open() throws -> Vault {
        try ShippedVault.open(at: directory.url, source: source, auditConfiguration: auditConfiguration)
    }

    /// Releases the vault as a crash would: nothing more is signed or witnessed (no final
    /// checkpoint), and every connection closes.
    func crash() {
        vault.audit.abandon()
        vault = nil
    }

    /// Every audit entry, oldest first.
    func entries() throws -> [AuditEntry] {
        try vault.audit.entries(in: 0..<vault.audit.treeSize)
    }

    func reader(_ lines: [String]) throws -> LineReader {
        let url = directory.url.appendingPathComponent("input-\(UUID().uuidString).ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return try LineReader(path: url.path)
    }

    @discardableResult
    func ingestSubjects(_ lines: [String], now: Int64? = nil) throws -> (IngestSummary, [LineRejection]) {
        var rejections: [LineRejection] = []
        var options = IngestOptions()
        options.now = now
        let summary = try vault.ingestSubjects(from: try reader(lines), context: context, options: options) {
            rejections.append($0)
        }
        return (summary, rejections.sorted { $0.line < $1.line })
    }

    @discardableResult
    func ingestEvents(_ lines: [String], now: Int64? = nil) throws -> (IngestSummary, [LineRejection]) {
        var rejections: [LineRejection] = []
        var options = IngestOptions()
        options.now = now
        let summary = try vault.ingestEvents(from: try reader(lines), context: context, options: options) {
            rejections.append($0)
        }
        return (summary, rejections.sorted { $0.line < $1.line })
    }

    func id(of externalID: String) throws -> SubjectID? {
        try vault.lookup(.externalID(externalID), context: context).first?.subjectId
    }

    /// Every byte of a region's store files (db, WAL), to search for plaintext.
    func rawStoreBytes(_ region: String) throws -> Data {
        let base = directory.url.appendingPathComponent("regions/\(region).db").path
        var data = Data()
        for suffix in ["", "-wal", "-journal"] where FileManager.default.fileExists(atPath: base + suffix) {
            data.append(try Data(contentsOf: URL(fileURLWithPath: base + suffix)))
        }
        return data
    }

    static func subject(
        _ externalID: String,
        country: String,
        birthYear: Int? = 1985,
        email: String? = nil,
        consents: [(String, String)] = [("analytics", "granted")],
        recordedAt: String = "2025-03-01T10:00:00Z",
        gpc: Bool = false
    ) -> String {
        let pii = email.map { #","pii":{"email":"\#($0)","name":"Test Person"}"# } ?? ""
        let year = birthYear.map { #","birthYear":\#($0)"# } ?? ""
        let list = consents.map {
            #"{"purpose":"\#($0.0)","state":"\#($0.1)","source":"test","recordedAt":"\#(recordedAt)"}"#
        }
        return
            #"{"externalId":"\#(externalID)","country":"\#(country)"\#(year)\#(pii),"consents":[\#(list.joined(separator: ","))],"signals":{"gpc":\#(gpc)}}"#
    }

    static func event(
        _ externalID: String,
        ts: String = "2025-03-01T10:05:00Z",
        event: String = "page_view",
        purpose: String = "analytics",
        amount: Int? = nil,
        campaign: String = "cmp-17"
    ) -> String {
        let amountText = amount.map { #","amountCents":\#($0)"# } ?? ""
        return
            #"{"externalId":"\#(externalID)","ts":"\#(ts)","event":"\#(event)","channel":"search","campaign":"\#(campaign)","device":"mobile"\#(amountText),"purpose":"\#(purpose)"}"#
    }
}
