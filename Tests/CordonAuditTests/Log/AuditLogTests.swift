import CordonAudit
import CordonCrypto
import Foundation
import Testing

@Suite("AuditLog")
struct AuditLogTests {
    @Test func appendAssignsConsecutiveSequencesAndReadsBack() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        #expect(log.openWarnings.isEmpty)
        #expect(log.treeSize == 0)
        #expect(log.rootHash == MerkleHasher.emptyRoot)
        for i in 0..<5 {
            let receipt = try log.append(TestSupport.event(i))
            #expect(receipt.sequence == UInt64(i))
        }
        let batch = try log.appendBatch((5..<10).map { TestSupport.event($0) })
        #expect(batch.map(\.sequence) == Array(5..<10))
        #expect(log.treeSize == 10)
        let entries = try log.entries(in: 0..<10)
        #expect(entries.map(\.requestId) == (0..<10).map { "req_\($0)" })
        #expect(entries.map(\.leafHash) == (0..<10).map { try! log.inclusionProof(index: UInt64($0)).leafHash })
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(try log.entry(at: 3).requestId == "req_3")
        TestSupport.expectError(.notFound) { _ = try log.entry(at: 10) }
        // The segment is human-readable: one canonical entry per line.
        let lines = try TestSupport.lines(TestSupport.firstSegment(directory))
        #expect(lines.count == 10)
        #expect(Array(lines[0]) == entries[0].canonicalBytes())
    }

    @Test func proofsFromTheLogVerifyAgainstItsCheckpoints() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch((0..<20).map { TestSupport.event($0) })
        let old = try log.checkpoint()
        _ = try log.appendBatch((20..<33).map { TestSupport.event($0) })
        let new = try log.checkpoint()
        #expect(old.treeSize == 20 && new.treeSize == 33)
        try new.verify(publicKey: TestSupport.signingKey.publicKey, keyName: TestSupport.origin)
        let inclusion = try log.inclusionProof(index: 7, treeSize: 33)
        #expect(inclusion.checkpoint == new.text)
        try inclusion.verify(root: new.rootHash)
        let consistency = try log.consistencyProof(from: 20, to: 33)
        try consistency.verify(oldRoot: old.rootHash, newRoot: new.rootHash)
        #expect(consistency.oldCheckpoint == old.text)
        // The JSON form round-trips.
        let json = try JSONEncoder().encode(inclusion)
        #expect(try JSONDecoder().decode(AuditInclusionProof.self, from: json) == inclusion)
        #expect(String(decoding: json, as: UTF8.self).contains("\"leafHash\":\""))
        // Checkpoint on demand without new entries returns the latest.
        #expect(try log.checkpoint() == new)
        let stored = try String(contentsOf: directory.appending(path: "checkpoints/0000000033"), encoding: .utf8)
        #expect(stored == new.text)
        #expect(try String(contentsOf: directory.appending(path: "checkpoints/latest"), encoding: .utf8) == new.text)
    }

    @Test func checkpointsAreWrittenEveryNEntriesAndByTimer() throws {
        let directory = TestSupport.temporaryDirectory()
        var configuration = TestSupport.configuration(checkpointEvery: 10)
        configuration.checkpointEveryMilliseconds = 50
        let log = try TestSupport.open(directory, configuration)
        _ = try log.appendBatch((0..<10).map { TestSupport.event($0) })
        _ = try log.append(TestSupport.event(10))
        let deadline = Date().addingTimeInterval(5)
        while log.latestCheckpoint?.treeSize != 11, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(log.latestCheckpoint?.treeSize == 11)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appending(path: "checkpoints").path)
        #expect(names.contains("0000000011") && names.contains("latest"))
        try log.close()
    }

    @Test func searchByActorFindsATokensIdOrItsName() throws {
        let log = try TestSupport.open(TestSupport.temporaryDirectory())
        var named = TestSupport.event(1)
        named.actorName = "shop-backend"
        _ = try log.appendBatch([TestSupport.event(0), named])
        #expect(try log.search(AuditQuery(actor: "shop-backend")).map(\.sequence) == [1])
        #expect(try log.search(AuditQuery(actor: "tok_1")).map(\.sequence) == [1])
    }

    @Test func searchFiltersBySubjectActorActionAndTime() throws {
        let log = try TestSupport.open(TestSupport.temporaryDirectory())
        _ = try log.appendBatch((0..<10).map { TestSupport.event($0, subject: $0 % 2 == 0 ? "ps_even" : "ps_odd") })
        _ = try log.append(TestSupport.event(10, action: "subject.erase", subject: "ps_even"))
        #expect(try log.search(AuditQuery(subject: "ps_even")).count == 6)
        #expect(try log.search(AuditQuery(subject: "ps_even", action: "subject.erase")).map(\.sequence) == [10])
        #expect(try log.search(AuditQuery(actor: "tok_1")).map(\.sequence) == [1, 6])
        #expect(try log.search(AuditQuery(limit: 3)).map(\.sequence) == [0, 1, 2])
        let last = try log.entry(at: 10).time
        #expect(
            try log.search(AuditQuery(since: AuditTimestamp(millisecondsSince1970: last.millisecondsSince1970 + 1)))
                .isEmpty
        )
        #expect(try log.search(AuditQuery(until: AuditTimestamp(millisecondsSince1970: 0))).isEmpty)
    }

    @Test func reopeningVerifiesAndContinuesTheSequence() throws {
        let directory = TestSupport.temporaryDirectory()
        var log: AuditLog? = try TestSupport.open(directory)
        _ = try log!.appendBatch((0..<12).map { TestSupport.event($0) })
        let root = log!.rootHash
        try log!.close()
        TestSupport.expectError(.closed) { _ = try log!.append(TestSupport.event(99)) }
        log = nil
        let reopened = try TestSupport.open(directory)
        #expect(reopened.treeSize == 12)
        #expect(reopened.rootHash == root)
        #expect(reopened.latestCheckpoint?.treeSize == 12)
        #expect(try reopened.append(TestSupport.event(12)).sequence == 12)
    }

    @Test func segmentsRollAndReopenAcrossThem() throws {
        let directory = TestSupport.temporaryDirectory()
        var configuration = TestSupport.configuration()
        configuration.segmentMaxEntries = 4
        let log = try TestSupport.open(directory, configuration)
        for i in 0..<10 { _ = try log.append(TestSupport.event(i)) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appending(path: "segments").path)
            .sorted()
        #expect(names == ["0000000000.ndjson", "0000000004.ndjson", "0000000008.ndjson"])
        #expect(try log.entries(in: 2..<9).map(\.sequence) == Array(2..<9))
        _ = try log.checkpoint()
        try log.close()
        let reopened = try TestSupport.open(directory, configuration)
        #expect(reopened.treeSize == 10)
        #expect(try reopened.append(TestSupport.event(10)).sequence == 10)
        let report = AuditVerifier.verify(directory: directory, publicKey: reopened.verifierKey)
        #expect(report.isValid, "\(report)")
        #expect(report.treeSize == 11)
    }

    @Test func reopenAfterACrashMidLineTruncatesTheTornTail() throws {
        let directory = TestSupport.temporaryDirectory()
        let log = try TestSupport.open(directory)
        _ = try log.appendBatch((0..<5).map { TestSupport.event($0) })
        _ = try log.checkpoint()
        try log.close()
        let segment = TestSupport.firstSegment(directory)
        let intact = try Data(contentsOf: segment)
        let handle = try FileHandle(forWritingTo: segment)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"action":"subject.exp"#.utf8) + Data(repeating: 0, count: 100))
        try handle.close()
        let report = AuditVerifier.verify(directory: directory, publicKey: log.verifierKey)
        #expect(report.isValid && report.warnings.count == 1, "\(report)")
        let python = try TestSupport.runPythonVerifier(directory, key: log.verifierKey)
        #expect(python.status == 0 && python.output.contains("warning:"), "\(python.output)")
        let reopened = try TestSupport.open(directory)
        #expect(reopened.openWarnings.count == 1)
        #expect(reopened.openWarnings[0].contains("torn tail of 122 bytes after entry 4"))
        #expect(try Data(contentsOf: segment) == intact)
        #expect(try reopened.append(TestSupport.event(5)).sequence == 5)
    }

    @Test func openRefusesAnEmptyOrigin() {
        TestSupport.expectError(.invalidArgument) {
            _ = try AuditLog.open(
                directory: TestSupport.temporaryDirectory(),
                signingKey: TestSupport.signingKey,
                origin: "",
                configuration: AuditConfiguration()
            )
        }
    }
}
