import CordonSystem
public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: a file is either its old content or its complete new content,
/// and it is on disk (file and directory entry fsynced) before the call returns.
///
/// Every system call first asks ``DurableFileFaults`` whether a test wants it to fail
/// (one atomic load when none does).
public enum DurableFile {
    /// Replaces `url` atomically: write a temporary sibling, fsync it, rename it over
    /// `url`, fsync the directory. rename(2) is atomic on POSIX file systems, so a crash
    /// leaves either the old or the new file, never a mix.
    public static func write(_ bytes: [UInt8], to url: URL, permissions: mode_t = 0o600) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        try writeNew(bytes, to: temporary, permissions: permissions, exclusive: false)
        do {
            try rename(temporary, to: url)
        } catch {
            try? SystemCall.unlink(temporary.path)
            throw error
        }
        try syncDirectory(of: url)
    }

    /// Creates `url` with `bytes`, failing if it already exists (`O_EXCL`), then fsyncs the
    /// file and its directory. Used where overwriting would destroy a key.
    public static func create(_ bytes: [UInt8], at url: URL, permissions: mode_t = 0o600) throws {
        try writeNew(bytes, to: url, permissions: permissions, exclusive: true)
        try syncDirectory(of: url)
    }

    /// Renames `source` to `destination` atomically and fsyncs the directory.
    public static func move(_ source: URL, to destination: URL) throws {
        try rename(source, to: destination)
        try syncDirectory(of: destination)
    }

    /// Deletes `url` (if present) and fsyncs its directory.
    public static func remove(_ url: URL) throws {
        if let code = DurableFileFaults.failure(.remove, at: url) {
            throw FileError(errno: code, operation: "delete", url: url)
        }
        do {
            try SystemCall.unlink(url.path, ignoringMissing: true)
        } catch {
            throw FileError(errno: error.errno, operation: "delete", url: url)
        }
        try syncDirectory(of: url)
    }

    /// Creates a directory (and parents) with owner-only permissions if it is missing.
    public static func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: url,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw FileError(message: "cannot create directory \(url.path): \(error.localizedDescription)")
        }
    }

    /// Reads a whole file, with an error that names it.
    public static func read(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw FileError(message: exists ? "cannot read \(url.path)" : "\(url.path) does not exist")
        }
        return [UInt8](data)
    }

    /// Copies `source` to `destination` (replacing it) and makes the copy durable: the
    /// bytes fsynced, the directory entry fsynced. `FileManager.copyItem` syncs neither, so
    /// a crash after a later rename could leave a short or empty file in its place.
    public static func copy(_ source: URL, to destination: URL, permissions: mode_t = 0o600) throws {
        let input: Int32
        do {
            input = try SystemCall.open(source.path, O_RDONLY | O_CLOEXEC)
        } catch {
            throw FileError(errno: error.errno, operation: "open", url: source)
        }
        defer { SystemCall.close(input) }
        let output = try createFile(destination, permissions: permissions, exclusive: false)
        defer { SystemCall.close(output) }
        let writes = FaultInjectedWrites(url: destination)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        do {
            while true {
                let count = try SystemCall.readFully(input, into: &buffer, path: source.path)
                if count == 0 { break }
                try DurableWrite.writeAll(buffer[..<count], to: output, path: destination.path, using: writes)
            }
            try sync(output, using: writes, path: destination.path)
        } catch {
            try? SystemCall.unlink(destination.path)
            throw FileError(errno: error.errno, operation: error.call, url: error.call == "read" ? source : destination)
        }
        try syncDirectory(of: destination)
    }

    private static func writeNew(_ bytes: [UInt8], to url: URL, permissions: mode_t, exclusive: Bool) throws {
        let descriptor = try createFile(url, permissions: permissions, exclusive: exclusive)
        defer { SystemCall.close(descriptor) }
        do {
            try DurableWrite.writeAllThenSync(
                bytes,
                to: descriptor,
                path: url.path,
                using: FaultInjectedWrites(url: url)
            )
        } catch {
            // Half-written, or synced with an unknown result: the file is worth nothing.
            try? SystemCall.unlink(url.path)
            throw FileError(errno: error.errno, operation: error.call, url: url)
        }
    }

    /// The sync of ``DurableWrite/writeAllThenSync(_:to:path:using:)``, on its own.
    private static func sync(_ descriptor: Int32, using writes: FaultInjectedWrites, path: String) throws(SystemError) {
        let code = writes.sync(descriptor)
        guard code == 0 else { throw SystemError(call: "fsync", errno: code, path: path) }
    }

    /// Opens `url` for writing, creating it (exclusively, or truncating an existing one).
    private static func createFile(_ url: URL, permissions: mode_t, exclusive: Bool) throws -> Int32 {
        if let code = DurableFileFaults.failure(.create, at: url) {
            throw FileError(errno: code, operation: "create", url: url)
        }
        do {
            let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
            return try SystemCall.open(url.path, flags, permissions: permissions)
        } catch {
            throw FileError(errno: error.errno, operation: "create", url: url)
        }
    }

    /// rename(2), atomic on POSIX file systems.
    private static func rename(_ source: URL, to destination: URL) throws {
        if let code = DurableFileFaults.failure(.rename, at: destination) {
            throw FileError(errno: code, operation: "rename to", url: destination)
        }
        do {
            try SystemCall.rename(source.path, to: destination.path)
        } catch {
            throw FileError(errno: error.errno, operation: "rename to", url: destination)
        }
    }

    /// fsync on the directory makes a create or rename durable (POSIX leaves the directory
    /// entry in the page cache otherwise).
    static func syncDirectory(of url: URL) throws {
        let directory = url.deletingLastPathComponent()
        if let code = DurableFileFaults.failure(.syncDirectory, at: url) {
            throw FileError(errno: code, operation: "fsync directory", url: directory)
        }
        do {
            try SystemCall.syncDirectory(directory.path)
        } catch {
            throw FileError(
                errno: error.errno,
                operation: error.call == "open" ? "open directory" : "fsync directory",
                url: directory
            )
        }
    }
}

/// `write(2)` and `fsync(2)` for ``DurableFile``, each first asking ``DurableFileFaults``
/// whether a test wants it to fail.
private struct FaultInjectedWrites: FileWriteOperations {
    let url: URL
    private let system = SystemWriteOperations()

    init(url: URL) { self.url = url }

    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        if let code = DurableFileFaults.failure(.write, at: url) { return (-1, code) }
        return system.write(descriptor, buffer)
    }

    func sync(_ descriptor: Int32) -> Int32 {
        DurableFileFaults.failure(.fsync, at: url) ?? system.sync(descriptor)
    }
}

/// A file-system failure, naming the file and the operating system's reason.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The system call's `errno`, when one failed (`ENOSPC`: the volume is full).
    public let errno: Int32?

    public init(message: String) {
        self.message = message
        self.errno = nil
    }

    init(errno code: Int32, operation: String, url: URL) {
        message = "cannot \(operation) \(url.path): \(SystemError.text(of: code))"
        errno = code
    }

    public var description: String { message }
}
