import CordonAudit
import CordonCore
import CordonCrypto
import CordonServer
import CordonTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The audit sink's writes, failing with an errno while one is set.
final class FailingAuditDisk: AuditFileOperations {
    let writeErrno = Atomic<Int32>(0)

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        let code = writeErrno.load(ordering: .relaxed)
        return code != 0 ? (-1, code) : SystemFileOperations().write(descriptor, buffer)
    }

    func sync(_ descriptor: Int32) -> Int32 { SystemFileOperations().sync(descriptor) }
}

/// A served vault with an ingest, a DPO and an admin token, whose audit trail uses
/// `audit` (failing file operations, a retry interval) and may sit on its own volume.
final class AuditSinkServer {
    let directory: URL
    let api: CordonAPI
    let tokens: [String: String]
    /// The volume mounted at the audit directory, if any.
    private(set) var volume: TmpfsVolume?

    /// A server whose audit directory is the volume `auditVolume` mounts there (if any).
    init(
        audit: AuditConfiguration,
        auditVolume: (URL) -> TmpfsVolume? = { _ in nil },
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws {
        let directory = try TemporaryDirectory.create(prefix: "cordon-audit-sink")
        let source = ShippedVault.keyFile(in: directory)
        try ShippedVault.initialize(at: directory, source: source)
        // `init` wrote the trail's first entry: the volume takes the trail over, as an
        // operator moving it onto its own disk would.
        let trail = directory.appending(path: "audit")
        let aside = directory.appending(path: "audit-aside")
        try FileManager.default.moveItem(at: trail, to: aside)
        let volume = auditVolume(trail)
        if volume == nil { try FileManager.default.createDirectory(at: trail, withIntermediateDirectories: true) }
        for name in try FileManager.default.contentsOfDirectory(atPath: aside.path) {
            try FileManager.default.copyItem(at: aside.appending(path: name), to: trail.appending(path: name))
        }
        let vault = try ShippedVault.open(at: directory, source: source, auditConfiguration: audit)
        var tokens: [String: String] = [:]
        for (label, role) in [("ingest", TokenRole.ingest), ("dpo", .dpo), ("admin", .admin)] {
            tokens[label] =
                try vault.tokenRegistry().create(
                    name: label,
                    role: role,
                    scope: .allRegions,
                    context: AccessContext(actor: "test", role: .admin)
                ).secret
        }
        var configuration = ServerConfiguration(dataDirectory: directory)
        configuration.configDirectory = ServerFixture.packageRoot
        configuration.policies = ServerFixture.policies
        configure(&configuration)
        self.directory = directory
        self.volume = volume
        self.tokens = tokens
        api = CordonAPI(
            configuration: configuration,
            session: try VaultSession(vault: vault, configDirectory: ServerFixture.packageRoot)
        )
    }

    /// Closes the vault, unmounts the volume, removes the data directory.
    func tearDown() {
        try? api.slot.close()
        volume = nil
        try? FileManager.default.removeItem(at: directory)
    }

    func call(_ method: String, _ target: String, token: String? = nil, ndjson: [String]? = nil) -> Reply {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(tokens[token]!)" }
        if ndjson != nil { headers["Content-Type"] = "application/x-ndjson" }
        let response = api.respond(
            to: HTTPRequest(
                method: method,
                target: target,
                headers: headers,
                body: Array((ndjson ?? []).joined(separator: "\n").utf8),
                clientIsLoopback: true
            )
        )
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// The value of an unlabelled sample in `/metrics`.
    func metric(_ name: String) -> String? {
        call("GET", "/metrics", token: "admin").text.split(separator: "\n")
            .first { $0.hasPrefix("\(name) ") }.map { String($0.dropFirst(name.count + 1)) }
    }
}

@Suite("Audit sink recovery over HTTP")
struct AuditRecoveryServerTests {
    /// Ingests one subject; the status.
    static func ingest(_ server: AuditSinkServer, _ externalID: String) -> Int {
        server.call("POST", "/v1/subjects", token: "ingest", ndjson: [ServerFixture.subject(externalID, country: "DE")])
            .status
    }

    /// The walk both tests share, with `breakDisk` and `repairDisk` doing the damage.
    static func failClosedThenRecover(
        _ server: AuditSinkServer,
        expectedReason: String,
        breakDisk: () throws -> Void,
        repairDisk: () throws -> Void
    ) throws {
        #expect(ingest(server, "k-1") == 200)
        #expect(server.call("GET", "/readyz").status == 200)
        #expect(server.metric("cordon_audit_writable") == "1")

        try breakDisk()
        // A real full disk may still take a few entries into a segment's last page: the
        // first refusal comes within a few requests (at once with injected faults).
        var tries = 0
        while server.call("GET", "/v1/subjects/lookup?externalId=k-1", token: "dpo").status != 503, tries < 100 {
            tries += 1
        }
        let refused = server.call(
            "POST",
            "/v1/subjects",
            token: "ingest",
            ndjson: [ServerFixture.subject("k-2", country: "DE")]
        )
        #expect(refused.status == 503)
        #expect(refused.code == "audit_unavailable", "\(refused.text)")
        #expect(server.call("GET", "/v1/subjects/lookup?externalId=k-1", token: "dpo").code == "audit_unavailable")
        let unready = server.call("GET", "/readyz")
        #expect(unready.status == 503)
        #expect(unready.code == "audit_unavailable")
        let reason = try #require(unready.json?["reason"] as? String, "\(unready.text)")
        #expect(reason.contains(expectedReason), "\(reason)")
        #expect(!reason.contains(server.directory.path), "the probe must not show paths: \(reason)")
        #expect(AuditTimestamp(rfc3339: unready.json?["since"] as? String ?? "") != nil, "\(unready.text)")
        // Monitoring still sees it: a scrape is not recorded, so it does not fail closed.
        #expect(server.metric("cordon_audit_writable") == "0")
        #expect(server.metric("cordon_audit_write_failures_total") == "1")
        #expect(server.metric("cordon_audit_recoveries_total") == "0")

        try repairDisk()
        // No restart: the probe itself starts the recovery (the interval is 0 here).
        let ready = server.call("GET", "/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        #expect(ingest(server, "k-2") == 200)
        #expect(server.metric("cordon_audit_writable") == "1")
        #expect(server.metric("cordon_audit_recoveries_total") == "1")
        for externalID in ["k-1", "k-2"] {
            #expect(server.call("GET", "/v1/subjects/lookup?externalId=\(externalID)", token: "dpo").status == 200)
        }
        let vault = try #require(server.api.slot.session?.vault)
        let actions = try vault.auditEntries(in: 0..<vault.auditTreeSize).map(\.action)
        #expect(actions.filter { $0 == "audit.recovered" }.count == 1, "\(actions)")
        #expect(actions.filter { $0 == "ingest.subjects" }.count == 2, "\(actions)")
        #expect(
            AuditVerifier.verify(
                directory: server.directory.appending(path: "audit"),
                publicKey: vault.auditVerifierKey
            )
            .isValid
        )
    }

    @Test func requestsFailClosedAndResumeWithoutARestart() throws {
        let disk = FailingAuditDisk()
        var audit = AuditConfiguration()
        audit.fileOperations = disk
        audit.recoveryEveryMilliseconds = 0
        let server = try AuditSinkServer(audit: audit)
        defer { server.tearDown() }
        try Self.failClosedThenRecover(
            server,
            expectedReason: "No space left on device",
            breakDisk: { disk.writeErrno.store(ENOSPC, ordering: .relaxed) },
            repairDisk: { disk.writeErrno.store(0, ordering: .relaxed) }
        )
    }

    /// The same on a real full disk: the audit directory on a small tmpfs (root only; the
    /// test above covers the path with injected `ENOSPC` everywhere else).
    @Test func aFullAuditVolumeFailsClosedAndRecoversOnceSpaceIsFreed() throws {
        var audit = AuditConfiguration()
        audit.recoveryEveryMilliseconds = 0
        let server = try AuditSinkServer(audit: audit) { TmpfsVolume(byteCount: 256 << 10, at: $0) }
        defer { server.tearDown() }
        #expect(server.volume != nil || geteuid() != 0, "running as root, the tmpfs must mount")
        guard server.volume != nil else { return }  // not root: nothing to mount
        var filler: URL?
        try Self.failClosedThenRecover(
            server,
            expectedReason: "No space left on device",
            breakDisk: { filler = try server.volume!.fill() },
            repairDisk: { try FileManager.default.removeItem(at: filler!) }
        )
    }
}
