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
        if let code = DurableFileFaults.failure(.rename, at: url) {
            unlink(temporary.path)
            throw FileError(errno: code, operation: "rename to", url: url)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let error = FileError(errno: errno, operation: "rename to", url: url)
            unlink(temporary.path)
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
        if let code = DurableFileFaults.failure(.rename, at: destination) {
            throw FileError(errno: code, operation: "rename to", url: destination)
        }
        guard rename(source.path, destination.path) == 0 else {
            throw FileError(errno: errno, operation: "rename to", url: destination)
        }
        try syncDirectory(of: destination)
    }

    /// Deletes `url` (if present) and fsyncs its directory.
    public static func remove(_ url: URL) throws {
        if let code = DurableFileFaults.failure(.remove, at: url) {
            throw FileError(errno: code, operation: "delete", url: url)
        }
        if unlink(url.path) != 0 && errno != ENOENT {
            throw FileError(errno: errno, operation: "delete", url: url)
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
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileError(errno: errno, operation: "open", url: source) }
        defer { close(input) }
        let output = try createFile(destination, permissions: permissions, exclusive: false)
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = FileError(errno: errno, operation: "read", url: source)
                unlink(destination.path)
                throw error
            }
            if count == 0 { break }
            try writeAll(buffer[..<count], to: output, url: destination)
        }
        try syncFile(output, url: destination)
        try syncDirectory(of: destination)
    }

    private static func writeNew(_ bytes: [UInt8], to url: URL, permissions: mode_t, exclusive: Bool) throws {
        let descriptor = try createFile(url, permissions: permissions, exclusive: exclusive)
        defer { close(descriptor) }
        try writeAll(bytes[...], to: descriptor, url: url)
        try syncFile(descriptor, url: url)
    }

    /// Opens `url` for writing, creating it (exclusively, or truncating an existing one).
    private static func createFile(_ url: URL, permissions: mode_t, exclusive: Bool) throws -> Int32 {
        if let code = DurableFileFaults.failure(.create, at: url) {
            throw FileError(errno: code, operation: "create", url: url)
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let descriptor = open(url.path, flags, permissions)
        guard descriptor >= 0 else {
            throw FileError(errno: errno, operation: "create", url: url)
        }
        return descriptor
    }

    /// Writes all of `bytes`; on failure deletes the half-written file and throws.
    private static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, url: URL) throws {
        var written = 0
        while written < bytes.count {
            let result: Int
            if let code = DurableFileFaults.failure(.write, at: url) {
                (result, errno) = (-1, code)
            } else {
                result = bytes.withUnsafeBytes { buffer in
                    Glibc.write(descriptor, buffer.baseAddress! + written, bytes.count - written)
                }
            }
            if result < 0 {
                if errno == EINTR { continue }
                let error = FileError(errno: errno, operation: "write", url: url)
                unlink(url.path)
                throw error
            }
            written += result
        }
    }

    /// fsync(2); on failure deletes the file (its content on disk is unknown) and throws.
    private static func syncFile(_ descriptor: Int32, url: URL) throws {
        let code = DurableFileFaults.failure(.fsync, at: url) ?? (fsync(descriptor) == 0 ? 0 : errno)
        guard code == 0 else {
            let error = FileError(errno: code, operation: "fsync", url: url)
            unlink(url.path)
            throw error
        }
    }

    /// fsync on the directory makes a create or rename durable (POSIX leaves the directory
    /// entry in the page cache otherwise).
    static func syncDirectory(of url: URL) throws {
        let directory = url.deletingLastPathComponent()
        if let code = DurableFileFaults.failure(.syncDirectory, at: url) {
            throw FileError(errno: code, operation: "fsync directory", url: directory)
        }
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FileError(errno: errno, operation: "open directory", url: directory)
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw FileError(errno: errno, operation: "fsync directory", url: directory)
        }
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
        message = "cannot \(operation) \(url.path): \(String(cString: strerror(code)))"
        errno = code
    }

    public var description: String { message }
}
