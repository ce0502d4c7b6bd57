#if canImport(Glibc)
public import Glibc
#endif

/// The one place Cordon's Swift code makes a file system call and reads `errno`.
///
/// Each call retries while interrupted (`EINTR`), and on failure throws a ``SystemError``
/// holding the call's name, the `errno` read immediately after it returned, and the path.
/// Modelled on swift-nio's `syscall(blocking:where:_:)` (`NIOCore/SystemCallHelpers.swift`).
///
/// ```swift
/// let descriptor = try SystemCall.open("/data/audit/segments", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
/// defer { SystemCall.close(descriptor) }
/// try SystemCall.fsync(descriptor, path: "/data/audit/segments")
/// ```
public enum SystemCall {
    /// `struct stat`, named apart from the `stat` call.
    public typealias FileStatus = Glibc.stat

    /// Runs `body` until it does not fail with `EINTR`; a result of -1 throws with the
    /// `errno` captured before anything else runs.
    @inline(__always)
    public static func retrying<Result: FixedWidthInteger>(
        _ call: String,
        path: String? = nil,
        _ body: () -> Result
    ) throws(SystemError) -> Result {
        while true {
            let result = body()
            guard result == -1 else { return result }
            let code = Glibc.errno
            if code == EINTR { continue }
            throw SystemError(call: call, errno: code, path: path)
        }
    }

    /// `open(2)`: a new descriptor for `path`.
    public static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0) throws(SystemError) -> Int32 {
        try retrying("open", path: path) { Glibc.open(path, flags, permissions) }
    }

    /// `close(2)`, never retried: Linux releases the descriptor even when close reports
    /// `EINTR`, so a retry could close a descriptor another thread has just been given.
    public static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// `read(2)`: bytes read, 0 at the end of the file.
    public static func read(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawBufferPointer,
        path: String? = nil
    ) throws(SystemError) -> Int {
        try retrying("read", path: path) { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// `pread(2)`: bytes read at `offset`, 0 at the end of the file.
    public static func pread(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawBufferPointer,
        at offset: Int64,
        path: String? = nil
    ) throws(SystemError) -> Int {
        try retrying("pread", path: path) { Glibc.pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// `write(2)`: bytes written (possibly fewer than given).
    public static func write(
        _ descriptor: Int32,
        _ buffer: UnsafeRawBufferPointer,
        path: String? = nil
    ) throws(SystemError) -> Int {
        try retrying("write", path: path) { Glibc.write(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// `fsync(2)`: the file's data and metadata reach the device.
    public static func fsync(_ descriptor: Int32, path: String? = nil) throws(SystemError) {
        _ = try retrying("fsync", path: path) { Glibc.fsync(descriptor) }
    }

    /// `fdatasync(2)`: "similar to fsync(), but does not flush modified metadata unless that
    /// metadata is needed in order to allow a subsequent data retrieval to be correctly
    /// handled" — the size of an appended file is such metadata.
    public static func fdatasync(_ descriptor: Int32, path: String? = nil) throws(SystemError) {
        _ = try retrying("fdatasync", path: path) { Glibc.fdatasync(descriptor) }
    }

    /// `ftruncate(2)`: cuts (or extends) the file to `length` bytes.
    public static func ftruncate(_ descriptor: Int32, to length: UInt64, path: String? = nil) throws(SystemError) {
        _ = try retrying("ftruncate", path: path) { Glibc.ftruncate(descriptor, off_t(length)) }
    }

    /// `fstat(2)`.
    public static func fstat(_ descriptor: Int32, path: String? = nil) throws(SystemError) -> FileStatus {
        var status = FileStatus()
        _ = try retrying("fstat", path: path) { Glibc.fstat(descriptor, &status) }
        return status
    }

    /// `stat(2)`: the status of the file at `path`.
    public static func stat(_ path: String) throws(SystemError) -> FileStatus {
        var status = FileStatus()
        _ = try retrying("stat", path: path) { statFile(path, &status) }
        return status
    }

    /// `flock(2)` with `operation` (`LOCK_EX | LOCK_NB`: `EWOULDBLOCK` when another holds it).
    public static func flock(_ descriptor: Int32, _ operation: Int32, path: String? = nil) throws(SystemError) {
        _ = try retrying("flock", path: path) { lockFile(descriptor, operation) }
    }

    /// `rename(2)`: atomic on POSIX file systems; the error names the destination.
    public static func rename(_ source: String, to destination: String) throws(SystemError) {
        _ = try retrying("rename", path: destination) { Glibc.rename(source, destination) }
    }

    /// `unlink(2)`; with `ignoringMissing`, a file that is already gone is not an error.
    public static func unlink(_ path: String, ignoringMissing: Bool = false) throws(SystemError) {
        do {
            _ = try retrying("unlink", path: path) { Glibc.unlink(path) }
        } catch  where ignoringMissing && error.errno == ENOENT {
            return
        }
    }

    /// fsync(2) on a directory, so an entry created, renamed or deleted in it survives a
    /// crash (POSIX leaves the directory entry in the page cache otherwise).
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let descriptor = try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(descriptor) }
        try fsync(descriptor, path: path)
    }
}

/// `stat(2)` and `flock(2)` under other names: inside ``SystemCall`` their names mean its methods.
private func statFile(_ path: String, _ status: inout SystemCall.FileStatus) -> Int32 { stat(path, &status) }
private func lockFile(_ descriptor: Int32, _ operation: Int32) -> Int32 { flock(descriptor, operation) }

extension SystemCall {
    /// Reads until `buffer` is full or the file ends, with `pread(2)` from `offset` when one
    /// is given (else `read(2)` from the current position); returns the bytes read.
    public static func readFully(
        _ descriptor: Int32,
        into buffer: UnsafeMutableRawBufferPointer,
        at offset: Int64? = nil,
        path: String? = nil
    ) throws(SystemError) -> Int {
        var done = 0
        while done < buffer.count {
            let rest = UnsafeMutableRawBufferPointer(rebasing: buffer[done...])
            let count =
                if let offset {
                    try pread(descriptor, into: rest, at: offset + Int64(done), path: path)
                } else {
                    try read(descriptor, into: rest, path: path)
                }
            guard count > 0 else { break }
            done += count
        }
        return done
    }

    /// ``readFully(_:into:at:path:)`` into `bytes[start...]`.
    public static func readFully(
        _ descriptor: Int32,
        into bytes: inout [UInt8],
        from start: Int = 0,
        at offset: Int64? = nil,
        path: String? = nil
    ) throws(SystemError) -> Int {
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in
                try readFully(
                    descriptor,
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]),
                    at: offset,
                    path: path
                )
            }
        }
        return try result.get()
    }
}
