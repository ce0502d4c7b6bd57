import CordonAudit
import CordonCore
import CordonServer
import Foundation
import Testing

/// `POST /v1/backups`: an online backup while the server serves.
@Suite("Online backups over HTTP")
struct BackupEndpointTests {
    @Test func anAdminOrDPOBacksUpWhileServingAndTheBackupVerifies() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-backups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fixture = try ServerFixture { $0.backupDirectory = root }
        fixture.ingest(
            "subjects",
            [
                #"{"externalId":"h-1","country":"DE","birthYear":1990,"pii":{"email":"h1@example.com"},"consents":[{"purpose":"analytics","state":"granted","source":"cmp","recordedAt":"2025-03-01T10:00:00Z"}]}"#
            ]
        )
        let made = fixture.call("POST", "/v1/backups", token: "dpo")
        #expect(made.status == 201, "\(made.text)")
        let directory = try #require(made.json?["directory"] as? String)
        #expect(directory.hasPrefix(root.path))
        let (manifest, _) = try BackupVerifier.verify(
            URL(fileURLWithPath: directory),
            pinnedVerifierKey: fixture.vault.auditVerifierKey
        )
        #expect(manifest.backupID == made.json?["backupID"] as? String)
        #expect(
            try fixture.vault.auditEntries(in: 0..<fixture.vault.auditTreeSize).contains {
                $0.action == "backup.create"
            }
        )
        // The server kept serving.
        #expect(fixture.call("GET", "/readyz").status == 200)
    }

    @Test func aTokenForSomeRegionsOrAnotherRoleIsRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-backups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fixture = try ServerFixture { $0.backupDirectory = root }
        let scoped = fixture.call("POST", "/v1/backups", token: "admin-eu")
        #expect(scoped.status == 403 && scoped.code == "region_not_permitted")
        let analyst = fixture.call("POST", "/v1/backups", token: "analyst")
        #expect(analyst.status == 403 && analyst.code == "forbidden")
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }

    @Test func withoutABackupDirectoryItSaysHowToConfigureOne() throws {
        let fixture = try ServerFixture()
        let reply = fixture.call("POST", "/v1/backups", token: "admin")
        #expect(reply.status == 503 && reply.code == "not_configured")
        #expect((reply.json?["message"] as? String)?.contains("--backup-dir") == true)
    }
}
