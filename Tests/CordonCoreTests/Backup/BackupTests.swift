import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// `cordon backup`, `backup verify` and `restore` (decision 0020): a sealed, signed,
/// verifiable snapshot, and a restore that never brings back what the live trail says
/// must stay gone.
@Suite("Backups and restore", .serialized)
struct BackupTests {
    static func people(_ fixture: VaultFixture) throws {
        _ = try fixture.ingestSubjects([
            VaultFixture.subject("b-1", country: "DK", email: "b1@example.dk"),
            VaultFixture.subject("b-2", country: "DK", email: "b2@example.dk"),
            VaultFixture.subject("b-3", country: "BR"),
        ])
        _ = try fixture.ingestEvents([VaultFixture.event("b-1"), VaultFixture.event("b-2")])
    }

    static func backup(_ fixture: VaultFixture) throws -> (URL, Vault.BackupReport) {
        let directory = fixture.directory.url.deletingLastPathComponent()
            .appendingPathComponent("backup-\(UUID().uuidString)")
        var lines: [String] = []
        let report = try fixture.vault.backup(to: directory, context: fixture.context) { lines.append($0) }
        #expect(lines.contains { $0.hasPrefix("regions/eu.db:") })
        return (directory, report)
    }

    /// Closes the fixture's vault and restores `backup` over its directory.
    static func restore(
        _ fixture: VaultFixture,
        from backup: URL,
        force: Bool = true
    ) throws -> Vault.BackupRestoreReport {
        try fixture.vault?.close()
        fixture.vault = nil
        defer { fixture.vault = try? fixture.open() }
        return try Vault.restoreBackup(
            from: backup,
            into: fixture.directory.url,
            configuration: VaultFixture.configuration,
            source: fixture.source,
            force: force,
            context: fixture.context,
            passphraseParameters: .testing
        )
    }

    @Test func aBackupIsSealedSignedAndVerifies() throws {
        let fixture = try VaultFixture()
        try Self.people(fixture)
        let (directory, report) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }

        let (manifest, structural) = try BackupVerifier.verify(directory)
        #expect(structural.files == report.files)
        #expect(!structural.withMasterKey)
        #expect(manifest.regions.contains("eu"))
        let full = try BackupVerifier.verify(directory, source: fixture.source, passphraseParameters: .testing)
        #expect(full.withMasterKey)
        #expect((full.pagesAuthenticated["regions/eu.db"] ?? 0) > 0)
        #expect((full.pagesAuthenticated["control.db"] ?? 0) > 0)

        // Sealed page by page: the VFS's stamp in the clear header, no personal data in clear.
        for file in manifest.files where file.path.hasSuffix(".db") {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(file.path))
            #expect(bytes.count > 100 && bytes[72..<75] == Data("Cdn".utf8), "\(file.path)")
            #expect(bytes.range(of: Data("b1@example.dk".utf8)) == nil, "\(file.path)")
        }
        // The live trail names the checkpoint the copied trail ends at.
        let entry = try #require(try fixture.entries().last { $0.action == "backup.create" })
        #expect(entry.sequence == report.auditSequence)
        #expect(entry.details["checkpointSize"] == .integer(Int64(report.checkpointSize)))
        #expect(entry.details["backupId"] == .string(report.backupID))
        #expect(entry.sequence >= report.checkpointSize)
    }

    @Test func aBackupNeverOverwritesADirectory() throws {
        let fixture = try VaultFixture()
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: BackupError.self) { try fixture.vault.backup(to: directory, context: fixture.context) }
    }

    /// The test: erase after a backup, restore, and the person is gone.
    @Test func restoreReplaysErasuresMadeAfterTheBackup() throws {
        let fixture = try VaultFixture()
        try Self.people(fixture)
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        let erased = try #require(try fixture.id(of: "b-1"))
        _ = try fixture.vault.erase(erased, context: fixture.context)

        let report = try Self.restore(fixture, from: directory)
        #expect(report.overLiveDirectory)
        #expect(report.erasuresReplayed == 1)
        #expect(try fixture.id(of: "b-1") == nil)
        #expect(try fixture.vault.lookup(.email("b1@example.dk"), context: fixture.context).isEmpty)
        #expect(try fixture.id(of: "b-2") != nil)
        #expect(try fixture.id(of: "b-3") != nil)
        let entry = try #require(try fixture.entries().last { $0.action == "backup.restore" })
        #expect(entry.details["erasuresReplayed"] == .integer(1))
        #expect(entry.details["replayedOperations"] == .integer(1))
        try fixture.reopen()
        #expect(try fixture.id(of: "b-1") == nil)
    }

    @Test func restoreReplaysWithdrawalsAndRectificationsMadeAfterTheBackup() throws {
        let fixture = try VaultFixture()
        try Self.people(fixture)
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try #require(try fixture.id(of: "b-2"))
        try fixture.vault.recordConsent(
            id,
            purpose: "analytics",
            state: .withdrawn,
            source: "test",
            context: fixture.context
        )
        try fixture.vault.rectify(id, set: ["email": "b2-new@example.dk"], context: fixture.context)

        let report = try Self.restore(fixture, from: directory)
        #expect(report.consentChangesReplayed == 1)
        #expect(report.rectificationsReplayed == 1)
        #expect(report.rectificationsNotReplayed.isEmpty)
        #expect(try fixture.vault.lookup(.email("b2-new@example.dk"), context: fixture.context).count == 1)
        #expect(try fixture.vault.lookup(.email("b2@example.dk"), context: fixture.context).isEmpty)
        let states = try fixture.vault.store("eu").read { db in
            try db.query(
                "SELECT c.state FROM consents c JOIN subjects s ON s.sid = c.sid WHERE s.id = \(id.rawValue) ORDER BY c.id"
            )
            .map { try $0.get(String.self, at: 0) }
        }
        #expect(states.last == "withdrawn")
    }

    @Test func restoreRefusesALiveDirectoryWithoutForce() throws {
        let fixture = try VaultFixture()
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: BackupError.self) { try Self.restore(fixture, from: directory, force: false) }
        #expect(error.message.contains("--force"))
    }

    @Test func restoreIntoAnEmptyDirectoryBringsTheVaultBack() throws {
        let fixture = try VaultFixture()
        try Self.people(fixture)
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = fixture.directory.url.deletingLastPathComponent().appendingPathComponent(
            "restored-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: target) }

        let report = try Vault.restoreBackup(
            from: directory,
            into: target,
            configuration: VaultFixture.configuration,
            source: fixture.source,
            force: false,
            context: fixture.context,
            passphraseParameters: .testing
        )
        #expect(!report.overLiveDirectory)
        let restored = try Vault.open(
            dataDirectory: target,
            configuration: VaultFixture.configuration,
            source: fixture.source
        )
        defer { try? restored.close() }
        #expect(try restored.lookup(.email("b1@example.dk"), context: fixture.context).count == 1)
        #expect(try restored.audit.entries(in: 0..<restored.audit.treeSize).contains { $0.action == "backup.restore" })
    }

    enum Damage: String, CaseIterable, Sendable {
        case flippedStoreByte, missingKeyring, forgedManifest, replacedSignature, extraFile
    }

    /// A damaged backup is refused, by `verify` and by `restore`, naming the file.
    @Test(arguments: Damage.allCases)
    func aDamagedBackupIsRefusedNamingTheFile(_ damage: Damage) throws {
        let fixture = try VaultFixture()
        try Self.people(fixture)
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected: String
        switch damage {
        case .flippedStoreByte:
            expected = "regions/eu.db"
            let url = directory.appendingPathComponent(expected)
            var bytes = try Data(contentsOf: url)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: url)
        case .missingKeyring:
            expected = "control.keys"
            try FileManager.default.removeItem(at: directory.appendingPathComponent(expected))
        case .forgedManifest:
            expected = "manifest.sig"
            let url = directory.appendingPathComponent("manifest.json")
            let text = try String(contentsOf: url, encoding: .utf8)
            try text.replacingOccurrences(of: "\"replayFrom\" : ", with: "\"replayFrom\" : 9").write(
                to: url,
                atomically: true,
                encoding: .utf8
            )
        case .replacedSignature:
            expected = "manifest.sig"
            let other = Ed25519.SigningKey().signature(for: Array("another manifest".utf8))
            try (Data(other).base64EncodedString() + "\n").write(
                to: directory.appendingPathComponent(expected),
                atomically: true,
                encoding: .utf8
            )
        case .extraFile:
            expected = "regions/xx.db"
            try Data("planted".utf8).write(to: directory.appendingPathComponent(expected))
        }
        let verifyError = try #require(throws: BackupError.self) { try BackupVerifier.verify(directory) }
        #expect(verifyError.file == expected)
        #expect(verifyError.message.contains(expected))
        let restoreError = try #require(throws: BackupError.self) { try Self.restore(fixture, from: directory) }
        #expect(restoreError.file == expected)
        // Nothing was replaced: the vault still opens with everyone in it.
        #expect(try fixture.id(of: "b-1") != nil)
    }

    /// A backup verifies against a pinned key and is refused under another one.
    @Test func verifyChecksThePinnedVerifierKey() throws {
        let fixture = try VaultFixture()
        let (directory, _) = try Self.backup(fixture)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try BackupVerifier.verify(directory, pinnedVerifierKey: fixture.vault.audit.verifierKey)
        let stranger = try NoteVerifierKey(name: "someone-else", publicKey: Ed25519.SigningKey().publicKey)
        let error = try #require(throws: BackupError.self) {
            try BackupVerifier.verify(directory, pinnedVerifierKey: stranger)
        }
        #expect(error.file == "manifest.json")
    }
}
