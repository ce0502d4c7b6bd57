import CordonAudit
import CordonCrypto
import CordonTestSupport
import Foundation
import Testing

/// Shared helpers of the audit tests.
enum TestSupport {
    /// The package root.
    static var packageRoot: URL { TestPackage.root }

    /// `Vectors/` in the test bundle: the RFC 9162 proof vectors (with their licence).
    static let vectors = Bundle.module.resourceURL!.appending(path: "Vectors")

    static let origin = "cordon.test/audit"

    /// A fixed signing key, so failures reproduce.
    static let signingKey: Ed25519.SigningKey = {
        try! Ed25519.SigningKey(seed: SecretKey<SigningSeedRole>(copying: [UInt8](repeating: 7, count: 32)))
    }()

    /// A fresh empty directory under the system temporary directory, kept after the test
    /// (a log may still hold its files open).
    static func temporaryDirectory() -> URL {
        try! TemporaryDirectory.create(prefix: "cordon-audit")
    }

    /// A configuration without the timer, so tests decide when checkpoints happen.
    static func configuration(checkpointEvery: UInt64 = 1000) -> AuditConfiguration {
        var configuration = AuditConfiguration()
        configuration.checkpointEveryMilliseconds = 0
        configuration.checkpointEveryEntries = checkpointEvery
        return configuration
    }

    static func open(_ directory: URL, _ configuration: AuditConfiguration = configuration()) throws -> AuditLog {
        try AuditLog.open(directory: directory, signingKey: signingKey, origin: origin, configuration: configuration)
    }

    /// A typical event; `number` varies the request id.
    static func event(_ number: Int, action: String = "subject.export", subject: String = "ps_9f2c") -> AuditEvent {
        AuditEvent(
            actor: "tok_\(number % 5)",
            role: "dpo",
            action: action,
            regions: ["eu"],
            purpose: "dsr_access",
            subjects: [subject],
            outcome: .ok,
            policyVersions: ["eu": "gdpr-2025.1"],
            requestId: "req_\(number)",
            details: ["rows": 3, "store.eu.commit": .integer(Int64(number))]
        )
    }

    /// The segment file holding entries from 0.
    static func firstSegment(_ directory: URL) -> URL {
        directory.appending(path: "segments/0000000000.ndjson")
    }

    /// Lines of a file (without their newlines).
    static func lines(_ url: URL) throws -> [Data] {
        try Data(contentsOf: url).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    /// Writes `lines` back, each followed by a newline.
    static func write(lines: [Data], to url: URL) throws {
        var data = Data()
        for line in lines { data += line + [0x0A] }
        try data.write(to: url)
    }

    /// Expects `body` to throw an ``AuditError`` with `code`, and returns it.
    @discardableResult
    static func expectError(
        _ code: AuditError.Code,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) -> AuditError? {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as AuditError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected AuditError \(code), got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}

extension TestSupport {
    /// Runs `audit/verify.py` on `directory` and returns its exit status and output.
    /// With `savedCheckpoint`, also passes `--checkpoint` with that checkpoint's text.
    static func runPythonVerifier(
        _ directory: URL,
        key: NoteVerifierKey,
        savedCheckpoint: String? = nil
    ) throws -> (status: Int32, output: String) {
        let keyFile = directory.deletingLastPathComponent().appending(path: "\(directory.lastPathComponent).pub")
        try (key.description + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keyFile) }
        var arguments = [
            "python3", packageRoot.appending(path: "audit/verify.py").path, directory.path, "--pubkey", keyFile.path,
        ]
        let savedFile = directory.deletingLastPathComponent().appending(path: "\(directory.lastPathComponent).saved")
        if let savedCheckpoint {
            try savedCheckpoint.write(to: savedFile, atomically: true, encoding: .utf8)
            arguments += ["--checkpoint", savedFile.path]
        }
        defer { try? FileManager.default.removeItem(at: savedFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
