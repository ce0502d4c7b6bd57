import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

#if canImport(Glibc)
import Glibc
#endif

/// Cordon's own durable writes fail where a test says, scoped to one directory: each
/// step of a replacement leaves the old or the new file whole, and a master-key rotation
/// failed at any step still opens — in the same process and after a restart.
@Suite("DurableFile faults")
struct DurableFileFaultTests {
    typealias Step = DurableFileFaults.Step

    /// The steps of ``DurableFile/write(_:to:permissions:)``, in order.
    static let replacementSteps: [Step] = [.create, .write, .fsync, .rename, .syncDirectory]

    @Test(arguments: replacementSteps, [EIO, ENOSPC])
    func eachStepOfAReplacementFailsAndLeavesAWholeFile(_ step: Step, _ code: Int32) throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("cordon.json")
        try DurableFile.write(Array("old\n".utf8), to: file)
        let rule = DurableFileFaults.arm([step], errno: code, .once, under: directory.url)
        #expect {
            try DurableFile.write(Array("new\n".utf8), to: file)
        } throws: { error in
            // Each message names the file (the directory, for a failed directory fsync).
            let message = (error as? FileError)?.message ?? ""
            let named = step == .syncDirectory ? directory.url.path : file.lastPathComponent
            return message.contains(String(cString: strerror(code))) && message.contains(named)
        }
        #expect(rule.failedCalls == 1)
        // Before the rename the old file stands; after it (a failed directory fsync) the new
        // one, which a crash could still undo: either way whole, never a mix.
        let expected = step == .syncDirectory ? "new\n" : "old\n"
        #expect(String(decoding: try DurableFile.read(file), as: UTF8.self) == expected)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        #expect(names == ["cordon.json"], "a temporary file was left behind: \(names)")
        // Once: the next write goes through.
        try DurableFile.write(Array("newer\n".utf8), to: file)
        #expect(String(decoding: try DurableFile.read(file), as: UTF8.self) == "newer\n")
    }

    @Test func aCopyThatCannotBeSyncedLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let source = directory.url.appendingPathComponent("eu-backup.db")
        try Data(repeating: 7, count: 3 << 20).write(to: source)
        let destination = directory.url.appendingPathComponent("eu.db.restore")
        let steps = DurableFileFaults.count(Set(Step.allCases), under: directory.url)
        try DurableFile.copy(source, to: destination)
        #expect(try Data(contentsOf: destination) == Data(contentsOf: source))
        #expect(steps.matchedCalls == 6)  // create, three 1 MiB writes, fsync, directory fsync
        let rule = DurableFileFaults.arm([.fsync], errno: EIO, .persistent, under: directory.url)
        #expect(throws: FileError.self) { try DurableFile.copy(source, to: destination) }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        rule.disarm()
    }

    @Test func aRuleForOneDirectoryLeavesAnotherAlone() throws {
        let failing = try TemporaryDirectory()
        let healthy = try TemporaryDirectory()
        let rule = DurableFileFaults.arm(Set(Step.allCases), errno: EIO, .persistent, under: failing.url)
        #expect(throws: FileError.self) {
            try DurableFile.write([1], to: failing.url.appendingPathComponent("a.keys"))
        }
        try DurableFile.write([1], to: healthy.url.appendingPathComponent("a.keys"))
        // Matched by directory, not by string prefix.
        let sibling = URL(fileURLWithPath: failing.url.path + "-sibling")
        try FileManager.default.createDirectory(at: sibling, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: sibling) }
        try DurableFile.write([1], to: sibling.appendingPathComponent("a.keys"))
        #expect(rule.failedCalls == 1)
    }

    /// A data directory with keyrings for `eu` and `us` under a master key file.
    static func initialize(_ directory: TemporaryDirectory) throws -> MasterKeySource {
        let source = MasterKeySource.keyFile(directory.url.appendingPathComponent("master.key"))
        _ = try DataDirectory.initialize(
            at: directory.url,
            regions: ["eu", "us"],
            source: source,
            passphraseParameters: .testing
        )
        return source
    }

    /// Counts the durable steps of a master-key rotation, then fails each in turn (with a
    /// full disk): the rotation throws, and the next open (which finishes an interrupted
    /// rotation) opens every keyring and unwraps a subject key wrapped before. The running
    /// hierarchy keeps the old key, by design: `cordon keys rotate --master` is a one-shot
    /// command, and the next process rolls an interrupted rotation forward.
    @Test func aMasterKeyRotationFailedAtAnyStepStillOpens() throws {
        let steps: Int
        do {
            let template = try TemporaryDirectory()
            let source = try Self.initialize(template)
            let keys = try DataDirectory.openKeys(at: template.url, source: source, passphraseParameters: .testing)
            let counter = DurableFileFaults.count(Set(Step.allCases), under: template.url)
            _ = try keys.rotateMaster(source: source, passphraseParameters: .testing)
            steps = counter.matchedCalls
        }
        #expect(steps > 20, "a pending key, four keyrings, cordon.json and the final rename")
        for skip in 0..<steps {
            let directory = try TemporaryDirectory()
            let source = try Self.initialize(directory)
            let keys = try DataDirectory.openKeys(at: directory.url, source: source, passphraseParameters: .testing)
            let dek = SubjectDEK()
            let (wrapped, version) = try keys.keyring(.region("us")).wrapDEK(dek, subjectID: "s-1")
            do {
                let rule = DurableFileFaults.arm(
                    Set(Step.allCases),
                    errno: ENOSPC,
                    .once,
                    under: directory.url,
                    after: skip
                )
                #expect(throws: (any Error).self, "step \(skip + 1) of \(steps)") {
                    _ = try keys.rotateMaster(source: source, passphraseParameters: .testing)
                }
                #expect(rule.failedCalls == 1)
            }
            let reopened = try DataDirectory.openKeys(at: directory.url, source: source, passphraseParameters: .testing)
            for id in KeyringID.present(in: directory.url) {
                #expect(throws: Never.self, "step \(skip + 1): \(id)") { _ = try reopened.keyring(id) }
            }
            #expect(
                try reopened.keyring(.region("us")).unwrapDEK(wrapped, kekVersion: version, subjectID: "s-1") == dek
            )
        }
    }

    /// A KEK rotation is one keyring replacement: failed at any of its steps, the running
    /// hierarchy and a restarted one open the keyring (old or new, whole) and unwrap a
    /// subject key wrapped before.
    @Test(arguments: 0..<5)
    func aKEKRotationFailedAtAnyStepKeepsTheKeyringWhole(_ skip: Int) throws {
        let directory = try TemporaryDirectory()
        let source = try Self.initialize(directory)
        let keys = try DataDirectory.openKeys(at: directory.url, source: source, passphraseParameters: .testing)
        let dek = SubjectDEK()
        let (wrapped, version) = try keys.keyring(.region("eu")).wrapDEK(dek, subjectID: "s-1")
        do {
            let rule = DurableFileFaults.arm(Set(Step.allCases), errno: EIO, .once, under: directory.url, after: skip)
            #expect(throws: FileError.self) { _ = try keys.rotateKEK(.region("eu")) }
            #expect(rule.failedCalls == 1)
        }
        let restarted = try DataDirectory.openKeys(at: directory.url, source: source, passphraseParameters: .testing)
        for hierarchy in [keys, restarted] {
            #expect(
                try hierarchy.keyring(.region("eu")).unwrapDEK(wrapped, kekVersion: version, subjectID: "s-1") == dek
            )
        }
    }

    /// `store restore` stages its copy durably; when the copy cannot be made durable the
    /// restore fails before it replaces anything, and the current store keeps serving.
    @Test func aRestoreWhoseCopyCannotBeSyncedLeavesTheStoreInPlace() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("r-1", country: "DK")])
        try fixture.vault.close()
        fixture.vault = nil
        let regions = fixture.directory.url.appendingPathComponent("regions")
        let backup = fixture.directory.url.appendingPathComponent("eu-backup.db")
        try FileManager.default.copyItem(at: regions.appendingPathComponent("eu.db"), to: backup)
        try fixture.reopen()
        try fixture.ingestSubjects([VaultFixture.subject("r-2", country: "DK")])
        let rule = DurableFileFaults.arm([.fsync], errno: ENOSPC, .persistent, under: regions)
        let error = #expect(throws: VaultError.self) {
            _ = try fixture.vault.restore("eu", from: backup, context: fixture.context)
        }
        #expect(error?.code == .storageFull)
        #expect(rule.failedCalls == 1)
        rule.disarm()
        #expect(!FileManager.default.fileExists(atPath: regions.appendingPathComponent("eu.db.restore").path))
        #expect(try fixture.id(of: "r-2") != nil, "the current store was replaced")
    }
}
