#if canImport(Glibc)
import Glibc
#endif

/// The write and sync calls of a durable write, behind a seam so tests can make them fail
/// (`EIO`, `ENOSPC`, a short write) without a full disk.
public protocol FileWriteOperations: Sendable {
    /// `write(2)`: bytes written, or -1 with the errno returned in the second value.
    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32)
    /// `fsync(2)` or `fdatasync(2)`: 0, or the errno.
    func sync(_ descriptor: Int32) -> Int32
}

/// The one write-all-then-fsync routine: every durable byte Cordon writes itself (audit
/// segments and checkpoints, keyrings, configuration, restore copies) goes through it.
public enum DurableWrite {
    /// Writes all of `bytes` to `descriptor`, retrying `EINTR` and short writes; a write
    /// that makes no progress fails with `EIO`. Throws the first failure as ``SystemError``.
    public static func writeAll(
        _ bytes: UnsafeRawBufferPointer,
        to descriptor: Int32,
        path: String,
        using operations: some FileWriteOperations = SystemWriteOperations()
    ) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let (count, code) = operations.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[written...]))
            if count < 0 && code == EINTR { continue }
            guard count > 0 else { throw SystemError(call: "write", errno: count < 0 ? code : EIO, path: path) }
            written += count
        }
    }

    /// ``writeAll(_:to:path:using:)`` for an array or part of one.
    public static func writeAll(
        _ bytes: ArraySlice<UInt8>,
        to descriptor: Int32,
        path: String,
        using operations: some FileWriteOperations = SystemWriteOperations()
    ) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try writeAll(buffer, to: descriptor, path: path, using: operations) }
        }
        try result.get()
    }

    /// ``writeAll(_:to:path:using:)``, then `sync`: when it returns, the bytes are on the device.
    ///
    /// A failed sync is never retried on the same descriptor: after it the kernel may have
    /// marked unwritten pages clean, so a second sync can succeed without the data
    /// (PostgreSQL's "fsyncgate", 2018). The caller decides what the file is worth.
    public static func writeAllThenSync(
        _ bytes: UnsafeRawBufferPointer,
        to descriptor: Int32,
        path: String,
        using operations: some FileWriteOperations = SystemWriteOperations()
    ) throws(SystemError) {
        try writeAll(bytes, to: descriptor, path: path, using: operations)
        let code = operations.sync(descriptor)
        guard code == 0 else { throw SystemError(call: "fsync", errno: code, path: path) }
    }

    /// ``writeAllThenSync(_:to:path:using:)`` for an array.
    public static func writeAllThenSync(
        _ bytes: [UInt8],
        to descriptor: Int32,
        path: String,
        using operations: some FileWriteOperations = SystemWriteOperations()
    ) throws(SystemError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in
                try writeAllThenSync(buffer, to: descriptor, path: path, using: operations)
            }
        }
        try result.get()
    }
}

/// The real calls: `write(2)` and `fsync(2)` (or `fdatasync(2)` when `dataOnly`).
public struct SystemWriteOperations: FileWriteOperations {
    /// Sync with `fdatasync(2)`, enough for appends (the file size is synced with the data).
    public var dataOnly: Bool

    public init(dataOnly: Bool = false) { self.dataOnly = dataOnly }

    public func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        do {
            return (try SystemCall.write(descriptor, buffer), 0)
        } catch {
            return (-1, error.errno)
        }
    }

    public func sync(_ descriptor: Int32) -> Int32 {
        do {
            try dataOnly ? SystemCall.fdatasync(descriptor) : SystemCall.fsync(descriptor)
            return 0
        } catch {
            return error.errno
        }
    }
}
