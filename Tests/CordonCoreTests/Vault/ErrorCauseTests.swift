import CordonCrypto
import CordonStore
import Foundation
import Testing

@testable import CordonCore

/// Every domain error has one shape (``CordonError``): a stable code, the message it always
/// had, and the error that caused it kept whole rather than only flattened into the text.
@Suite("Errors keep their cause and their message")
struct ErrorCauseTests {
    /// A fresh directory for one test, removed by the caller's `defer`.
    private static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func keyErrorKeepsTheDecodingErrorOfADamagedConfiguration() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = InstanceConfiguration.url(in: directory)
        try Data("{\"format\": ".utf8).write(to: url)

        let error = try #require(throws: KeyError.self) { try InstanceConfiguration.read(from: directory) }
        #expect(error.code == .damagedKeyFile)
        #expect(error.code.description == "damaged_key_file")
        let cause = try #require(error.underlying)
        #expect(cause is DecodingError)
        #expect(error.message == "\(url.path) is not valid: \(cause)")
        #expect(error.description == error.message)
    }

    @Test func vaultErrorKeepsTheStoreErrorItReports() throws {
        let full = StoreError(code: .full, extendedCode: 13, message: "database or disk is full")
        let error = VaultError(storing: full, in: .region("eu"))
        #expect(error.code == .storageFull)
        #expect(error.regions == ["eu"])
        #expect(
            error.message
                == "the volume of region store eu is full (database or disk is full); the write was rolled back — free space and retry"
        )
        let cause = try #require(error.underlying as? StoreError)
        #expect(cause.code == .full)
        #expect(cause.extendedCode == 13)
    }

    @Test func vaultErrorsWithoutACauseSayTheirMessage() {
        let error = VaultError(.subjectNotFound, "no such subject")
        #expect(error.underlying == nil)
        #expect(error.description == "no such subject")
        #expect("\(error.code)" == "subject_not_found")
    }

    @Test func controlErrorKeepsTheStoreErrorItWraps() throws {
        let busy = StoreError(code: .busy, extendedCode: 5, message: "database is locked")
        let error = ControlError(storing: busy, while: "record a tombstone")
        #expect(error.code == .storage)
        #expect(
            error.description
                == "cannot record a tombstone in control.db: database is locked; another cordon process holds control.db; retry when it is done"
        )
        #expect((error.underlying as? StoreError)?.code == .busy)
    }

    @Test func backupErrorKeepsTheDecodingErrorOfAForeignManifest() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a manifest".utf8).write(to: directory.appendingPathComponent(BackupManifest.fileName))
        try Data().write(to: directory.appendingPathComponent(BackupManifest.signatureFileName))

        let error = try #require(throws: BackupError.self) { try BackupVerifier.verify(directory) }
        #expect(error.code == .unusable)
        #expect(error.file == BackupManifest.fileName)
        let cause = try #require(error.underlying)
        #expect(cause is DecodingError)
        #expect(error.message == "manifest.json is not a backup manifest (\(cause))")
    }

    @Test func backupErrorOfAnOccupiedDirectoryIsAWriteFailure() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = BackupError(nil, "\(directory.path) exists and is not empty", code: .writeFailed)
        #expect(error.code.name == "backup_write_failed")
        #expect(error.underlying == nil)
        #expect(error.description == "\(directory.path) exists and is not empty")
    }

    @Test(arguments: [
        (
            QueryError(.syntax, "a query starts with SELECT", at: SourcePosition(line: 1, column: 3))
                as any CordonError,
            "line 1, column 3: a query starts with SELECT", "syntax"
        ),
        (
            RegisterError(.unknownBreach, "no breach has id brc-1") as any CordonError, "no breach has id brc-1",
            "unknown_breach"
        ),
        (
            SavedQueryError(.nameTaken, "you already saved a query named 'x'") as any CordonError,
            "you already saved a query named 'x'", "name_taken"
        ),
    ])
    func errorsWithoutACauseKeepTheirDescriptionAndCode(
        error: any CordonError,
        description: String,
        code: String
    ) {
        #expect(error.description == description)
        #expect(error.code.description == code)
        #expect(error.underlying == nil)
    }
}
