#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The segment the log appends to: owns one file descriptor, opened `O_APPEND`.
///
/// Used only by the current group-commit leader (one at a time), so it needs no lock of its own.
final class SegmentFile {
    /// The segment's name relative to the audit directory (`segments/0000000000.ndjson`).
    let name: String
    /// The sequence number of the segment's first entry.
    let firstSequence: UInt64
    /// Entries in the segment.
    private(set) var entryCount: UInt64
    /// Bytes in the segment (all acknowledged).
    private(set) var byteCount: UInt64
    private let descriptor: Int32

    /// Opens (or with `create`, exclusively creates) the segment at `path` for appending.
    init(
        path: String,
        name: String,
        firstSequence: UInt64,
        entryCount: UInt64,
        byteCount: UInt64,
        create: Bool
    )
        throws(AuditError)
    {
        let flags = O_WRONLY | O_APPEND | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0)
        let fd = open(path, flags, 0o640)
        guard fd >= 0 else {
            throw AuditError(.writeFailed, "cannot open audit segment \(name): \(errnoText(errno))", file: name)
        }
        self.descriptor = fd
        self.name = name
        self.firstSequence = firstSequence
        self.entryCount = entryCount
        self.byteCount = byteCount
    }

    deinit { close(descriptor) }

    /// Writes `bytes` (whole lines) and makes them durable; throws without acknowledging anything.
    func appendDurably(_ bytes: [UInt8], entries: UInt64, using operations: any AuditFileOperations) throws(AuditError)
    {
        var offset = 0
        while offset < bytes.count {
            let (written, code) = bytes.withUnsafeBytes {
                operations.write(descriptor, UnsafeRawBufferPointer(rebasing: $0[offset...]))
            }
            if written < 0 && code == EINTR { continue }
            guard written > 0 else {
                throw AuditError(
                    .writeFailed,
                    "cannot write audit segment \(name): \(errnoText(written < 0 ? code : EIO))",
                    file: name
                )
            }
            offset += written
        }
        let code = operations.sync(descriptor)
        guard code == 0 else {
            throw AuditError(.writeFailed, "cannot fsync audit segment \(name): \(errnoText(code))", file: name)
        }
        byteCount += UInt64(bytes.count)
        entryCount += entries
    }
}
