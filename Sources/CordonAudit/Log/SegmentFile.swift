import CordonSystem

#if canImport(Glibc)
import Glibc
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
        do {
            descriptor = try SystemCall.open(path, flags, permissions: 0o640)
        } catch {
            throw AuditError(.writeFailed, error, "audit segment \(name)", file: name)
        }
        self.name = name
        self.firstSequence = firstSequence
        self.entryCount = entryCount
        self.byteCount = byteCount
    }

    deinit { SystemCall.close(descriptor) }

    /// Writes `bytes` (whole lines) and makes them durable; throws without acknowledging anything.
    func appendDurably(_ bytes: [UInt8], entries: UInt64, using operations: any AuditFileOperations) throws(AuditError)
    {
        do {
            try DurableWrite.writeAllThenSync(bytes, to: descriptor, path: name, using: operations)
        } catch {
            throw AuditError(.writeFailed, error, "audit segment \(name)", file: name)
        }
        byteCount += UInt64(bytes.count)
        entryCount += entries
    }
}
