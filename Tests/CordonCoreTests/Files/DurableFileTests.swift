import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

#if canImport(Glibc)
import Glibc
#endif

/// Durable writes without injected faults: what each call leaves on disk, what it refuses,
/// and that every refusal names the file and the system's reason.
@Suite("DurableFile")
struct DurableFileTests {
    static func permissions(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    static func message(of body: () throws -> Void) -> String {
        do {
            try body()
            return "(nothing thrown)"
        } catch {
            return "\(error)"
        }
    }

    @Test func writeReplacesTheFileOwnerOnlyAndLeavesNoTemporarySibling() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "cordon.json")
        try DurableFile.write(Array("old".utf8), to: file)
        try DurableFile.write(Array("new, and longer".utf8), to: file)
        #expect(try directory.contents("cordon.json") == Array("new, and longer".utf8))
        #expect(try Self.permissions(file) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["cordon.json"])
    }

    @Test func writeKeepsTheRequestedPermissionsAndAcceptsNoBytes() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "empty")
        try DurableFile.write([], to: file, permissions: 0o640)
        #expect(try directory.contents("empty").isEmpty)
        #expect(try Self.permissions(file) == 0o640)
    }

    @Test func writeIntoAMissingDirectoryFailsNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "missing/cordon.json")
        let message = Self.message { try DurableFile.write([1], to: file) }
        #expect(message.contains("cannot create") && message.contains("missing/.cordon.json"))
        #expect(message.contains(String(cString: strerror(ENOENT))))
    }

    @Test func createRefusesAnExistingFileAndLeavesItAlone() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "master.key")
        try DurableFile.create(Array("first".utf8), at: file)
        #expect(throws: FileError.self) { try DurableFile.create(Array("second".utf8), at: file) }
        do {
            try DurableFile.create(Array("second".utf8), at: file)
        } catch let error as FileError {
            #expect(error.errno == EEXIST)
            #expect(error.message.contains(file.path))
        }
        #expect(try directory.contents("master.key") == Array("first".utf8))
    }

    @Test func moveRenamesOverTheDestination() throws {
        let directory = try TemporaryDirectory()
        let source = directory.url.appending(path: "a")
        let destination = directory.url.appending(path: "b")
        try DurableFile.write([1], to: source)
        try DurableFile.write([2], to: destination)
        try DurableFile.move(source, to: destination)
        #expect(try directory.contents("b") == [1])
        #expect(!FileManager.default.fileExists(atPath: source.path))
        let missing = Self.message { try DurableFile.move(source, to: destination) }
        #expect(missing.contains("cannot rename to") && missing.contains(destination.path))
    }

    @Test func removeDeletesAFileAndAcceptsOneAlreadyGone() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "gone")
        try DurableFile.write([1], to: file)
        try DurableFile.remove(file)
        #expect(!FileManager.default.fileExists(atPath: file.path))
        try DurableFile.remove(file)
    }

    @Test func readNamesAMissingFile() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appending(path: "absent.json")
        let message = Self.message { _ = try DurableFile.read(file) }
        #expect(message == "\(file.path) does not exist")
        try DurableFile.write(Array("x".utf8), to: file)
        #expect(try DurableFile.read(file) == Array("x".utf8))
    }

    @Test func copyReplacesTheDestinationWithTheSourceBytes() throws {
        let directory = try TemporaryDirectory()
        let source = directory.url.appending(path: "store.db")
        let destination = directory.url.appending(path: "backup.db")
        // More than the copy's one-mebibyte buffer, so it loops.
        let bytes = (0..<(1 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try DurableFile.write(bytes, to: source)
        try DurableFile.write(Array("stale and longer than nothing".utf8), to: destination)
        try DurableFile.copy(source, to: destination)
        #expect(try directory.contents("backup.db") == bytes)
        #expect(try Self.permissions(destination) == 0o600)
    }

    @Test func copyOfAMissingSourceFailsAndCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        let destination = directory.url.appending(path: "copy")
        let message = Self.message {
            try DurableFile.copy(directory.url.appending(path: "nothing"), to: destination)
        }
        #expect(message.contains("cannot open") && message.contains("nothing"))
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func makeDirectoryCreatesParentsOwnerOnlyAndAcceptsAnExistingOne() throws {
        let directory = try TemporaryDirectory()
        let nested = directory.url.appending(path: "a/b/c")
        try DurableFile.makeDirectory(nested)
        try DurableFile.makeDirectory(nested)
        #expect(try Self.permissions(nested) == 0o700)
    }
}
