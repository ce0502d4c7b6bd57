import CordonAudit
import CordonCrypto
import Foundation
import Testing

/// Every kind of tampering is found by `open`, by ``AuditVerifier`` and by `audit/verify.py`,
/// at the right sequence number.
@Suite("Audit tamper detection")
struct AuditTamperTests {
    /// A closed log of `count` entries with a checkpoint at the end.
    static func makeLog(count: Int = 10) throws -> (URL, NoteVerifierKey) {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch((0..<count).map { TestSupport.event($0) })
        _ = try log.checkpoint()
        try log.close()
        return (directory, log.verifierKey)
    }

    /// Expects all three verifiers to report tampering at `sequence`.
    static func expectTampered(
        _ directory: URL,
        _ key: NoteVerifierKey,
        at sequence: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = TestSupport.expectError(.tampered, sourceLocation: sourceLocation) {
            _ = try TestSupport.open(directory)
        }
        #expect(error?.sequence == sequence, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(error?.file != nil, sourceLocation: sourceLocation)
        let report = AuditVerifier.verify(directory: directory, publicKey: key)
        #expect(report.problem?.code == .tampered, "\(report)", sourceLocation: sourceLocation)
        #expect(report.problem?.sequence == sequence, "\(report)", sourceLocation: sourceLocation)
        let python = try TestSupport.runPythonVerifier(directory, key: key)
        #expect(python.status == 1, "\(python.output)", sourceLocation: sourceLocation)
        #expect(
            python.output.contains("FAILED at sequence \(sequence):"),
            "\(python.output)",
            sourceLocation: sourceLocation
        )
    }

    @Test func anUntouchedLogVerifiesEverywhere() throws {
        let (directory, key) = try Self.makeLog()
        #expect(try TestSupport.open(directory).treeSize == 10)
        let report = AuditVerifier.verify(directory: directory, publicKey: key)
        #expect(report.isValid && report.treeSize == 10 && report.checkpointsChecked == 2, "\(report)")
        let python = try TestSupport.runPythonVerifier(directory, key: key)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.contains("root \(report.rootHex)"))
    }

    @Test func entriesNamingTheActorVerifyEverywhereAndOnlyInTheirCanonicalForm() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch(
            (0..<6).map { number in
                var event = TestSupport.event(number)
                event.actorName = number % 2 == 0 ? "dpo-anna" : nil
                return event
            }
        )
        _ = try log.checkpoint()
        try log.close()
        let key = log.verifierKey
        let report = AuditVerifier.verify(directory: directory, publicKey: key)
        #expect(report.isValid && report.treeSize == 6, "\(report)")
        let python = try TestSupport.runPythonVerifier(directory, key: key)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.contains("root \(report.rootHex)"))
        // Entry 4 with its name moved after "details": the same data, no longer canonical.
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        var text = String(decoding: lines[4], as: UTF8.self)
        #expect(text.contains(#""actor":"tok_4","actorName":"dpo-anna","details""#))
        text = text.replacingOccurrences(of: #","actorName":"dpo-anna""#, with: "")
        text = text.replacingOccurrences(of: #""outcome":"#, with: #""actorName":"dpo-anna","outcome":"#)
        lines[4] = Data(text.utf8)
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: 4)
    }

    @Test(arguments: [0, 4, 9])
    func aFlippedByteInEntryKIsFoundAtK(_ k: Int) throws {
        let (directory, key) = try Self.makeLog()
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        let index = lines[k].range(of: Data("\"role\"".utf8))!.lowerBound + 1
        lines[k][index] ^= 0x20  // "role" → "Role": no longer an entry
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: UInt64(k))
    }

    @Test func aCanonicallyEditedValueIsFoundByTheCheckpointRoot() throws {
        let (directory, key) = try Self.makeLog()
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        let index = lines[6].range(of: Data("\"role\":\"dpo\"".utf8))!.lowerBound + 8
        lines[6][index] = UInt8(ascii: "x")  // still canonical: only the signed root can tell
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: 0)
    }

    @Test func aDeletedEntryIsFoundAtItsSequence() throws {
        let (directory, key) = try Self.makeLog()
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        lines.remove(at: 3)
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: 3)
    }

    @Test func swappedEntriesAreFoundAtTheFirst() throws {
        let (directory, key) = try Self.makeLog()
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        lines.swapAt(5, 6)
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: 5)
    }

    @Test func anAppendedGarbageLineIsTamperingNotATornTail() throws {
        let (directory, key) = try Self.makeLog()
        var lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        lines.append(Data("garbage".utf8))
        try TestSupport.write(lines: lines, to: TestSupport.firstSegment(directory))
        try Self.expectTampered(directory, key, at: 10)
    }

    @Test func aReplacedCheckpointSignatureIsFound() throws {
        let (directory, key) = try Self.makeLog()
        let url = directory.appending(path: "checkpoints/0000000010")
        let text = try String(contentsOf: url, encoding: .utf8)
        let forged = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 10,
            rootHash: [UInt8](repeating: 0, count: 32),
            signingKey: TestSupport.signingKey,
            keyName: TestSupport.origin
        )
        let spliced = text.components(separatedBy: "\n\n")[0] + "\n\n" + forged.text.components(separatedBy: "\n\n")[1]
        try spliced.write(to: url, atomically: true, encoding: .utf8)
        try Self.expectTampered(directory, key, at: 10)
    }

    @Test func aCheckpointSignedByAnotherKeyIsFound() throws {
        let (directory, key) = try Self.makeLog()
        let impostor = try Checkpoint.signed(
            origin: TestSupport.origin,
            treeSize: 10,
            rootHash: [UInt8](repeating: 0, count: 32),
            signingKey: Ed25519.SigningKey(),
            keyName: TestSupport.origin
        )
        try impostor.text.write(to: directory.appending(path: "checkpoints/latest"), atomically: true, encoding: .utf8)
        try Self.expectTampered(directory, key, at: 10)
    }

    @Test func removingTailEntriesCoveredByACheckpointIsTamperingNotATornTail() throws {
        let (directory, key) = try Self.makeLog()
        let segment = TestSupport.firstSegment(directory)
        var lines = try TestSupport.lines(segment)
        lines.removeLast(2)
        var data = Data()
        for line in lines { data += line + [0x0A] }
        data += Data("{\"action\":".utf8)  // and leave a torn line, as a crash would
        try data.write(to: segment)
        try Self.expectTampered(directory, key, at: 8)
        #expect(try Data(contentsOf: segment) == data, "a failed open changes nothing")
    }

    @Test func aMissingSegmentIsFound() throws {
        let directory = TestSupport.temporaryDirectory()
        var configuration = TestSupport.configuration()
        configuration.segmentMaxEntries = 3
        let log = try TestSupport.open(directory, configuration)
        for i in 0..<9 { _ = try log.append(TestSupport.event(i)) }
        try log.close()
        try FileManager.default.removeItem(at: directory.appending(path: "segments/0000000003.ndjson"))
        try Self.expectTampered(directory, log.verifierKey, at: 3)
    }
}
