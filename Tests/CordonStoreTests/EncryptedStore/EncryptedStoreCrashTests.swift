import CordonStore
import CordonTestSupport
import Foundation
import Testing

/// `kill -9` in the middle of writes and of a re-encryption: every acknowledged commit
/// survives, and the store always opens under exactly one key.
@Suite struct EncryptedStoreCrashTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// The key of `PageEncryption.testA` in hex, as the child reads it from stdin.
    static let keyHex = TestPageKey(seed: 1).bytes.map { String(format: "%02x", $0) }.joined()

    /// The complement key the child's crash-rekey alternates with.
    static let complement = PageEncryption(key: ComplementKey())

    struct ComplementKey: PageKeyMaterial {
        func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try TestPageKey(seed: 1).bytes.map { ~$0 }.withUnsafeBytes(body)
        }
    }

    /// Runs `cordon-bench` with `arguments`, waits for `lines` lines of output (plus a
    /// little more work), kills it with SIGKILL, and returns every complete line it wrote.
    private func runAndKill(_ arguments: [String], afterLines lines: Int) throws -> [String] {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("cordon-bench")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((Self.keyHex + "\n").utf8))
        try input.fileHandleForWriting.close()
        var text = Data()
        while text.filter({ $0 == UInt8(ascii: "\n") }).count < lines {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the child exited early; the test below fails
            text += chunk
        }
        usleep(useconds_t(Int.random(in: 1_000...20_000)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        text += output.fileHandleForReading.readDataToEndOfFile()
        let complete = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        // The last piece is either empty or a line cut by the kill.
        return complete.dropLast().map(String.init)
    }

    @Test(arguments: ["wal", "delete"])
    func everyAcknowledgedCommitSurvivesKillNine(journalMode: String) throws {
        let path = directory.path("crash.db")
        var acknowledged: [Int] = []
        for kills in 1...3 {
            let lines = try runAndKill(["crash-writer", path, journalMode], afterLines: acknowledged.count + 60)
            acknowledged += lines.compactMap { Int($0) }
            #expect(lines.count >= 60)
            let connection = try Connection(
                path: path,
                configuration: EncryptedStore.configuration(journalMode: journalMode == "wal" ? .wal : .delete)
            )
            #expect(try connection.scalar(String.self, "PRAGMA integrity_check") == "ok")
            let stored = Set(try connection.query("SELECT id FROM acked").map { try $0.get(Int.self, at: 0) })
            #expect(Set(acknowledged).isSubset(of: stored))
            // At most one commit per kill was durable but not yet reported (killed between
            // COMMIT and the acknowledgement), and it stays stored across the later runs.
            #expect(stored.count <= acknowledged.count + kills)
        }
        #expect(try StoreVerifier.verify(path: path, encryption: .testA).badPages.isEmpty)
    }

    @Test func aKilledReencryptionLeavesOneWholeStore() throws {
        let path = directory.path("rekey.db")
        let expected: String
        do {
            let connection = try Connection(path: path, configuration: EncryptedStore.configuration())
            try connection.execute(script: EncryptedStore.schema)
            try EncryptedStore.insertEvents(connection, count: 1500)
            expected = try EncryptedStore.fingerprint(connection)
        }
        for round in 0..<3 {
            _ = try runAndKill(["crash-rekey", path], afterLines: round + 1)
            let underA = StoreVerifier.opens(path: path, with: .testA)
            let underB = StoreVerifier.opens(path: path, with: Self.complement)
            #expect(underA != underB, "round \(round): exactly one key opens the store")
            let connection = try Connection(
                path: path,
                configuration: EncryptedStore.configuration(underA ? .testA : Self.complement)
            )
            #expect(try EncryptedStore.readEverything(connection) == "ok \(expected)")
        }
    }
}
