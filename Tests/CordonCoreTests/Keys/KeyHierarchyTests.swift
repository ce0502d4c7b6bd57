import CordonCrypto
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("Key hierarchy: init, open, rotation")
struct KeyHierarchyTests {
    let regions = ["eu", "us"]

    func initialize(_ directory: TemporaryDirectory, source: MasterKeySource? = nil) throws -> DataDirectory.InitReport
    {
        try DataDirectory.initialize(
            at: directory.url,
            regions: regions,
            source: source ?? .keyFile(directory.url.appendingPathComponent("master.key")),
            passphraseParameters: .testing
        )
    }

    func open(_ directory: TemporaryDirectory, source: MasterKeySource? = nil) throws -> KeyHierarchy {
        try DataDirectory.openKeys(
            at: directory.url,
            source: source ?? .keyFile(directory.url.appendingPathComponent("master.key")),
            passphraseParameters: .testing
        )
    }

    @Test func initCreatesAnOwnerOnlyMasterKeyAndAKeyringPerRegion() throws {
        let directory = try TemporaryDirectory()
        let report = try initialize(directory)
        #expect(!report.alreadyInitialized)
        #expect(
            Set(report.created) == [
                "master.key", "control.keys", "audit.keys", "regions/eu.keys", "regions/us.keys", "control.db",
                "audit/", "cordon.json",
            ]
        )
        let attributes = try FileManager.default.attributesOfItem(
            atPath: directory.url.appendingPathComponent("master.key").path
        )
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        let keys = try open(directory)
        #expect(try keys.keyring(.region("eu")).kekVersions == [1])
        #expect(keys.masterKeyID == report.masterKeyID)
    }

    @Test func initTwiceDestroysNothingAndSaysWhatExists() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let before = try directory.snapshot()
        let report = try initialize(directory)
        #expect(report.alreadyInitialized)
        #expect(report.created.isEmpty)
        #expect(report.existing.contains("regions/eu.keys"))
        #expect(try directory.snapshot() == before)
    }

    @Test func initAddsAKeyringForANewlyEnabledRegionOnly() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let euBefore = try Data(contentsOf: directory.url.appendingPathComponent("regions/eu.keys"))
        let report = try DataDirectory.initialize(
            at: directory.url,
            regions: regions + ["br"],
            source: .keyFile(directory.url.appendingPathComponent("master.key"))
        )
        #expect(report.created == ["regions/br.keys"])
        #expect(try Data(contentsOf: directory.url.appendingPathComponent("regions/eu.keys")) == euBefore)
        #expect(try InstanceConfiguration.read(from: directory.url).regions == ["br", "eu", "us"])
    }

    @Test func wrongMasterKeyFailsWithOneSentenceAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let wrong = directory.url.appendingPathComponent("other.key")
        try Data(SecureRandom.bytes(count: 32)).write(to: wrong)
        // A pending file makes open consider a roll-forward; with a wrong key it must not.
        let before = try directory.snapshot()
        let error = #expect(throws: KeyError.self) { try open(directory, source: .keyFile(wrong)) }
        #expect(error?.code == .wrongMasterKey)
        #expect(error?.message.contains("does not open") == true)
        #expect(error?.message.contains("\n") == false)
        #expect(try directory.snapshot() == before)
    }

    @Test func masterKeyFileMayHoldHex() throws {
        let directory = try TemporaryDirectory()
        let keyFile = directory.url.appendingPathComponent("external.key")
        try Data((Hex.encode(SecureRandom.bytes(count: 32)) + "\n").utf8).write(to: keyFile)
        let report = try initialize(directory, source: .keyFile(keyFile))
        #expect(report.existing.contains("external.key"))
        #expect(try open(directory, source: .keyFile(keyFile)).masterKeyID == report.masterKeyID)
    }

    @Test func missingExternalKeyFileIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: KeyError.self) {
            try initialize(directory, source: .keyFile(URL(fileURLWithPath: "/nonexistent/cordon.key")))
        }
        #expect(error?.code == .masterKeyUnavailable)
        #expect(!InstanceConfiguration.exists(in: directory.url))
    }

    @Test func passphraseDerivesTheSameKeyAndAWrongOneIsRefused() throws {
        let directory = try TemporaryDirectory()
        let report = try initialize(directory, source: .passphrase(Array("correct horse".utf8)))
        #expect(try open(directory, source: .passphrase(Array("correct horse".utf8))).masterKeyID == report.masterKeyID)
        let error = #expect(throws: KeyError.self) {
            try open(directory, source: .passphrase(Array("wrong horse".utf8)))
        }
        #expect(error?.code == .wrongMasterKey)
        let kind = #expect(throws: KeyError.self) { try open(directory) }
        #expect(kind?.message.contains("passphrase") == true)
    }

    @Test func subjectDEKsWrappedBeforeAMasterRotationStillOpen() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let keys = try open(directory)
        let dek = SubjectDEK()
        let (wrapped, version) = try keys.keyring(.region("eu")).wrapDEK(dek, subjectID: "s-1")
        let pageKey = try keys.keyring(.region("eu")).dataKey(.page, as: PageKeyRole.self)

        let (rotated, report) = try keys.rotateMaster(
            source: .keyFile(directory.url.appendingPathComponent("master.key"))
        )
        #expect(report.rewrapped == 4)
        #expect(rotated.masterKeyID != keys.masterKeyID)
        let reopened = try open(directory)
        #expect(reopened.masterKeyID == rotated.masterKeyID)
        #expect(try reopened.keyring(.region("eu")).unwrapDEK(wrapped, kekVersion: version, subjectID: "s-1") == dek)
        #expect(try reopened.keyring(.region("eu")).dataKey(.page, as: PageKeyRole.self) == pageKey)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("master.key.new").path))
    }

    @Test func anInterruptedMasterRotationIsFinishedOnTheNextOpen() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let source = MasterKeySource.keyFile(directory.url.appendingPathComponent("master.key"))
        let keys = try open(directory)
        let dek = SubjectDEK()
        let (wrapped, version) = try keys.keyring(.region("us")).wrapDEK(dek, subjectID: "s-2")

        // Crash after writing the new key and rewrapping one keyring, before the rest.
        let material = MasterKeyMaterial(source: source, dataDirectory: directory.url)
        let pending = try material.createPending()
        var eu = try KeyringFile.read(KeyringID.region("eu").url(in: directory.url))
        for index in eu.keks.indices {
            let kek = try keys.unwrapKEK(eu.keks[index], keyring: eu.keyring, url: directory.url, under: keys.masterKey)
            eu.keks[index].wrapped = try keys.wrapKEK(
                kek,
                keyring: eu.keyring,
                version: eu.keks[index].version,
                under: pending
            )
        }
        eu.masterKeyID = MasterKeyID.of(pending)
        try eu.write(to: KeyringID.region("eu").url(in: directory.url))

        let (resumed, didResume) = try KeyHierarchy.open(
            dataDirectory: directory.url,
            source: source,
            expectedMasterKeyID: try InstanceConfiguration.read(from: directory.url).masterKey.id
        )
        #expect(didResume)
        #expect(resumed.masterKeyID == MasterKeyID.of(pending))
        #expect(resumed.warnings.contains { $0.contains("interrupted") })
        let reopened = try open(directory)
        #expect(try reopened.keyring(.region("us")).unwrapDEK(wrapped, kekVersion: version, subjectID: "s-2") == dek)
        #expect(try reopened.status().keyrings.count == 4)
    }

    @Test func kekRotationKeepsOldVersionsReadableAndDataKeysUnchanged() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let keys = try open(directory)
        let eu = try keys.keyring(.region("eu"))
        let dek = SubjectDEK()
        let (wrapped, version) = try eu.wrapDEK(dek, subjectID: "s-3")
        let blind = try eu.dataKey(.blindIndex, as: BlindIndexKeyRole.self)

        let report = try keys.rotateKEK(.region("eu"))
        #expect(report.newVersion == 2)
        let rotated = try keys.keyring(.region("eu"))
        #expect(rotated.activeKEKVersion == 2)
        #expect(rotated.kekVersions == [1, 2])
        #expect(try rotated.unwrapDEK(wrapped, kekVersion: version, subjectID: "s-3") == dek)
        #expect(try rotated.wrapDEK(dek, subjectID: "s-3").kekVersion == 2)
        #expect(try rotated.dataKey(.blindIndex, as: BlindIndexKeyRole.self) == blind)
        #expect(try keys.keyring(.region("us")).activeKEKVersion == 1)
    }

    @Test func aWrappedDEKDoesNotOpenForAnotherSubject() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let eu = try open(directory).keyring(.region("eu"))
        let (wrapped, version) = try eu.wrapDEK(SubjectDEK(), subjectID: "s-4")
        #expect(throws: CryptoError.self) { try eu.unwrapDEK(wrapped, kekVersion: version, subjectID: "s-5") }
    }

    @Test func aDataKeyDoesNotUnwrapAsAnotherRole() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let eu = try open(directory).keyring(.region("eu"))
        #expect(throws: KeyError.self) { try eu.dataKey(.page, as: BlindIndexKeyRole.self) }
    }

    @Test func addingAPageKeyVersionKeepsTheOldOne() throws {
        let directory = try TemporaryDirectory()
        _ = try initialize(directory)
        let keys = try open(directory)
        let old = try keys.keyring(.region("eu")).dataKey(.page, as: PageKeyRole.self)
        #expect(try keys.addDataKeyVersion(.page, to: .region("eu")) == 2)
        let eu = try keys.keyring(.region("eu"))
        #expect(eu.versions(of: .page) == [1, 2])
        #expect(try eu.dataKey(.page, as: PageKeyRole.self, version: 1) == old)
        #expect(try eu.dataKey(.page, as: PageKeyRole.self) != old)
    }

    @Test func openingAnUninitializedDirectorySaysToRunInit() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: KeyError.self) { try open(directory) }
        #expect(error?.code == .notInitialized)
        #expect(error?.message.contains("cordon init") == true)
    }
}
