import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Glibc
import Testing

@testable import CordonCore

/// Key rotations that fail part way, then are tried again in the same process: found by
/// the fault matrix (a retried master rotation deleted the pending key that already wrapped
/// every keyring, and the data directory never opened again).
@Suite("Reliability: key rotations retried after a failure")
struct KeyRotationRecoveryTests {
    /// Fails the fsync of `cordon.json`'s new copy: every keyring is already rewrapped under
    /// the pending key, `cordon.json` still names the old one.
    static func failTheConfigurationUpdate(_ fixture: VaultFixture) -> DurableFileFaults.Rule {
        // Steps of a master rotation: the pending key (1 fsync), one per keyring, then cordon.json.
        let keyrings = KeyringID.present(in: fixture.directory.url).count
        return DurableFileFaults.arm([.fsync], errno: EIO, .once, under: fixture.directory.url, after: 1 + keyrings)
    }

    @Test func aMasterRotationRetriedAfterAFailureLosesNoKey() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("k-1", country: "DE", email: "k1@example.com")])
        let id = try #require(try fixture.id(of: "k-1"))
        let fault = Self.failTheConfigurationUpdate(fixture)
        let error = #expect(throws: VaultError.self) {
            try fixture.vault.rotateMasterKey(source: fixture.source, context: fixture.context)
        }
        #expect(error?.code == .storageUnavailable)
        #expect(fault.failedCalls == 1)
        fault.disarm()

        // The same process tries again: it must finish the interrupted rotation, not throw
        // away the pending key every keyring is now wrapped under.
        _ = try fixture.vault.rotateMasterKey(source: fixture.source, context: fixture.context)
        try fixture.reopen()
        #expect(try fixture.vault.export(id, context: fixture.context).pii["email"] == "k1@example.com")
    }

    @Test func aFailedMasterRotationLeftForTheNextOpenIsClaimedByTheTrail() throws {
        let fixture = try VaultFixture()
        let before = fixture.vault.keys.masterKeyID
        let fault = Self.failTheConfigurationUpdate(fixture)
        #expect(throws: VaultError.self) {
            try fixture.vault.rotateMasterKey(source: fixture.source, context: fixture.context)
        }
        fault.disarm()
        try fixture.reopen()  // finishes the rotation
        #expect(fixture.vault.keys.masterKeyID != before)
        let failed = try fixture.entries().last { $0.action == "keys.rotate.master" }
        #expect(failed?.outcome == .error)
        #expect(
            failed?.details["effect"] == .string("pending: finished by the next command that opens the data directory")
        )
        let claims = TrailClaims(try fixture.entries())
        #expect(claims.effectiveEntries("keys.rotate.master").count == 1)
    }

    @Test func theVaultUsesTheNewMasterKeyAfterARotation() throws {
        let fixture = try VaultFixture()
        let report = try fixture.vault.rotateMasterKey(source: fixture.source, context: fixture.context)
        #expect(fixture.vault.keys.masterKeyID == report.newMasterKeyID)
        // Each of these unwraps a keyring under the master key: the old one no longer opens them.
        _ = try fixture.vault.rotateKEK(.region("eu"), context: fixture.context)
        _ = try fixture.vault.rotatePageKey("eu", context: fixture.context)
        _ = try fixture.vault.rotateMasterKey(source: fixture.source, context: fixture.context)
        try fixture.reopen()
        #expect(try fixture.vault.keys.status().keyrings.first { $0.name == "region:eu" }?.kekVersions == [1, 2])
    }

    @Test func aKEKRotationWhoseKeyringIsReplacedButNotSyncedSaysItTookEffect() throws {
        let fixture = try VaultFixture()
        let fault = DurableFileFaults.arm([.syncDirectory], errno: EIO, .once, under: fixture.directory.url)
        let error = #expect(throws: VaultError.self) {
            try fixture.vault.rotateKEK(.region("eu"), context: fixture.context)
        }
        #expect(error?.code == .storageUnavailable)
        fault.disarm()
        #expect(try fixture.vault.keys.keyring(.region("eu")).kekVersions.count == 2)
        let failed = try fixture.entries().last { $0.action == "keys.rotate.kek" }
        #expect(failed?.outcome == .error && failed?.details["effect"] == .string("applied"))
        #expect(TrailClaims(try fixture.entries()).count("keys.rotate.kek", where: "keyring", is: "region:eu") == 1)
    }

    @Test func aPageRotationIsAuditedBeforeTheStoreChanges() throws {
        var configuration = AuditConfiguration()
        let operations = AuditFaults()
        configuration.fileOperations = operations
        configuration.checkpointEveryMilliseconds = 0
        let fixture = try VaultFixture(auditConfiguration: configuration)
        try fixture.ingestSubjects([VaultFixture.subject("p-1", country: "DE")])
        operations.arm(.sync, .eio, persistent: true, after: 0)
        #expect(throws: VaultError.self) { try fixture.vault.rotatePageKey("eu", context: fixture.context) }
        operations.disarm()
        fixture.crash()
        fixture.vault = try fixture.open()
        // Nothing the trail does not show: the store is still under its first page key.
        let keyring = try fixture.vault.keys.keyring(.region("eu"))
        let path = RegionStore.url(for: "eu", in: fixture.directory.url).path
        let first = PageEncryption(key: try keyring.dataKey(.page, as: PageKeyRole.self, version: 1))
        #expect(StoreVerifier.opens(path: path, with: first))
    }
}
