import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// One process at a time per data directory: a second lock is refused as `busy` with a
/// message that says what to do, and releasing the first frees the directory.
@Suite("DirectoryLock")
struct DirectoryLockTests {
    @Test func aSecondLockOnTheSameDirectoryIsBusyUntilTheFirstIsReleased() throws {
        let directory = try TemporaryDirectory()
        var first: DirectoryLock? = try DirectoryLock(directory: directory.url)
        do {
            _ = try DirectoryLock(directory: directory.url)
            Issue.record("a second lock was granted")
        } catch let error as VaultError {
            #expect(error.code == .busy)
            #expect(error.message.contains(directory.path))
            #expect(error.message.contains("stop it, or send the request through its HTTP API"))
        }
        #expect(first != nil)
        first = nil
        _ = try DirectoryLock(directory: directory.url)
    }

    @Test func theLockFileIsOwnerOnlyAndStaysBehind() throws {
        let directory = try TemporaryDirectory()
        do { _ = try DirectoryLock(directory: directory.url) }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path(".lock"))
        #expect(attributes[.posixPermissions] as? Int == 0o600)
    }

    @Test func locksOnDifferentDirectoriesAreIndependent() throws {
        let one = try TemporaryDirectory()
        let two = try TemporaryDirectory()
        let first = try DirectoryLock(directory: one.url)
        let second = try DirectoryLock(directory: two.url)
        #expect(first !== second)
    }

    @Test func aMissingDirectoryIsAFileErrorNamingTheLockFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.url.appending(path: "not-there")
        #expect {
            _ = try DirectoryLock(directory: missing)
        } throws: { error in
            (error as? FileError)?.message.contains("cannot open the lock file \(missing.path)/.lock") == true
        }
    }
}
