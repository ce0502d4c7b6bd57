import CordonAudit
import CordonCrypto
import Foundation
import Testing

/// A checkpoint a DPO kept off the machine proves what no file on the machine can: that
/// the log was not cut back, or replaced by another log, since it was taken.
@Suite("Audit verification against a saved checkpoint")
struct SavedCheckpointTests {
    /// A closed log of `count` entries; returns its directory, key and a checkpoint at `savedAt`.
    static func makeLog(count: Int, savedAt: Int) throws -> (URL, NoteVerifierKey, Checkpoint) {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch((0..<savedAt).map { TestSupport.event($0) })
        let saved = try log.checkpoint()
        _ = try log.appendBatch((savedAt..<count).map { TestSupport.event($0) })
        try log.close()
        return (directory, log.verifierKey, saved)
    }

    /// Cuts the log to its first `keep` entries and deletes every checkpoint, as someone
    /// hiding the last entries would.
    static func cut(_ directory: URL, keeping keep: Int) throws {
        let lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        try TestSupport.write(lines: Array(lines.prefix(keep)), to: TestSupport.firstSegment(directory))
        let checkpoints = directory.appending(path: "checkpoints")
        for name in try FileManager.default.contentsOfDirectory(atPath: checkpoints.path) {
            try FileManager.default.removeItem(at: checkpoints.appending(path: name))
        }
    }

    @Test func aLogThatExtendsTheSavedCheckpointIsConsistent() throws {
        let (directory, key, saved) = try Self.makeLog(count: 12, savedAt: 7)
        let report = AuditVerifier.verify(directory: directory, publicKey: key, savedCheckpoint: saved)
        #expect(report.isValid, "\(report)")
        #expect(report.consistentWithSavedCheckpoint == 7)
        let python = try TestSupport.runPythonVerifier(directory, key: key, savedCheckpoint: saved.text)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.contains("consistent with the saved checkpoint of 7 entries"))
    }

    @Test func aLogCutBelowTheSavedCheckpointIsRolledBack() throws {
        let (directory, key, saved) = try Self.makeLog(count: 30, savedAt: 30)
        try Self.cut(directory, keeping: 10)
        // On its own the cut log verifies: every remaining entry and checkpoint is fine.
        #expect(AuditVerifier.verify(directory: directory, publicKey: key).isValid)
        let report = AuditVerifier.verify(directory: directory, publicKey: key, savedCheckpoint: saved)
        #expect(report.problem?.code == .rolledBack)
        #expect(report.problem?.message == "rolled back: the saved checkpoint has 30 entries, the log has 10")
        let python = try TestSupport.runPythonVerifier(directory, key: key, savedCheckpoint: saved.text)
        #expect(python.status == 1)
        #expect(python.output.contains("rolled back: the saved checkpoint has 30 entries, the log has 10"))
    }

    @Test func anotherLogUnderTheSameKeyIsForked() throws {
        let (_, key, saved) = try Self.makeLog(count: 10, savedAt: 10)
        // Same key, same size, other entries: a replacement log.
        let other = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(other)
        _ = try log.appendBatch((0..<12).map { TestSupport.event($0, subject: "ps_other") })
        try log.close()
        let report = AuditVerifier.verify(directory: other, publicKey: key, savedCheckpoint: saved)
        #expect(report.problem?.code == .forked, "\(report)")
        let python = try TestSupport.runPythonVerifier(other, key: key, savedCheckpoint: saved.text)
        #expect(python.status == 1)
        #expect(python.output.contains("forked: the log's first 10 entries"))
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() throws {
        let (directory, key, _) = try Self.makeLog(count: 5, savedAt: 5)
        let stranger = try Ed25519.SigningKey(
            seed: SecretKey<SigningSeedRole>(copying: [UInt8](repeating: 9, count: 32))
        )
        let forged = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 5,
            rootHash: [UInt8](repeating: 0, count: 32),
            signingKey: stranger,
            keyName: key.name
        )
        let report = AuditVerifier.verify(directory: directory, publicKey: key, savedCheckpoint: forged)
        #expect(!report.isValid)
        #expect(report.consistentWithSavedCheckpoint == nil)
        let python = try TestSupport.runPythonVerifier(directory, key: key, savedCheckpoint: forged.text)
        #expect(python.status == 1, "\(python.output)")
    }
}
