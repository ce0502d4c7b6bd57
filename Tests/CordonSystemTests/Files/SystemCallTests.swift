import CordonSystem
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SystemCall")
struct SystemCallTests {
    @Test func openOfAMissingPathThrowsENOENTNamingThePath() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/missing"
        let error = #expect(throws: SystemError.self) { try SystemCall.open(missing, O_RDONLY | O_CLOEXEC) }
        #expect(error == SystemError(call: "open", errno: ENOENT, path: missing))
        #expect(error?.description == "open \(missing): No such file or directory")
    }

    @Test func theErrnoIsTheCallsEvenWhenLaterCallsSetAnother() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/file"
        let descriptor = try SystemCall.open(file, O_WRONLY | O_CREAT | O_CLOEXEC, permissions: 0o600)
        SystemCall.close(descriptor)
        // O_EXCL on an existing file: EEXIST, though the message's formatting calls other functions.
        let error = #expect(throws: SystemError.self) {
            try SystemCall.open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions: 0o600)
        }
        #expect(error?.errno == EEXIST)
        #expect(error?.reason == "File exists")
    }

    @Test func aDirectoryOpenedForWritingIsEISDIR() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SystemError.self) { try SystemCall.open(directory.path, O_WRONLY | O_CLOEXEC) }
        #expect(error?.errno == EISDIR)
    }

    @Test func renameNamesTheDestinationAndUnlinkCanIgnoreAMissingFile() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SystemError.self) {
            try SystemCall.rename(directory.path + "/absent", to: directory.path + "/target")
        }
        #expect(error == SystemError(call: "rename", errno: ENOENT, path: directory.path + "/target"))
        try SystemCall.unlink(directory.path + "/absent", ignoringMissing: true)
        #expect(throws: SystemError(call: "unlink", errno: ENOENT, path: directory.path + "/absent")) {
            try SystemCall.unlink(directory.path + "/absent")
        }
    }

    @Test func readFullyReadsToTheEndAndPreadFromAnOffset() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/file"
        let bytes = (0..<100).map { UInt8($0) }
        let descriptor = try SystemCall.open(file, O_RDWR | O_CREAT | O_CLOEXEC, permissions: 0o600)
        defer { SystemCall.close(descriptor) }
        try DurableWrite.writeAllThenSync(bytes, to: descriptor, path: file)
        var buffer = [UInt8](repeating: 0, count: 30)
        #expect(try SystemCall.readFully(descriptor, into: &buffer, at: 90) == 10)
        #expect(buffer[..<10].elementsEqual(90..<100))
        #expect(try SystemCall.readFully(descriptor, into: &buffer, from: 5, at: 0) == 25)
        #expect(buffer[5...].elementsEqual(0..<25))
        #expect(try SystemCall.fstat(descriptor, path: file).st_size == 100)
        #expect(try SystemCall.stat(file).st_size == 100)
    }

    @Test func aSecondExclusiveLockOnTheSameFileWouldBlock() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/lock"
        let first = try SystemCall.open(file, O_RDWR | O_CREAT | O_CLOEXEC, permissions: 0o600)
        let second = try SystemCall.open(file, O_RDWR | O_CLOEXEC)
        defer { [first, second].forEach(SystemCall.close) }
        try SystemCall.flock(first, LOCK_EX | LOCK_NB, path: file)
        let error = #expect(throws: SystemError.self) { try SystemCall.flock(second, LOCK_EX | LOCK_NB, path: file) }
        #expect(error?.errno == EWOULDBLOCK)
        #expect(error?.call == "flock")
    }

    @Test func syncDirectoryOfAFileIsENOTDIR() throws {
        let directory = try TemporaryDirectory()
        try SystemCall.syncDirectory(directory.path)
        let file = directory.path + "/file"
        SystemCall.close(try SystemCall.open(file, O_WRONLY | O_CREAT | O_CLOEXEC, permissions: 0o600))
        let error = #expect(throws: SystemError.self) { try SystemCall.syncDirectory(file) }
        #expect(error == SystemError(call: "open", errno: ENOTDIR, path: file))
    }
}

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-system-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
