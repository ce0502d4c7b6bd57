import CordonSystem

#if canImport(Glibc)
import Glibc
#endif

/// The file operations recovery needs besides appending: sizes, removing a segment that
/// was never acknowledged, dropping cached pages so a re-read comes from the device, and
/// a probe that the volume takes writes again.
extension AuditDirectory {
    /// The size of `name` in bytes, or nil when it does not exist.
    func byteCount(of name: String) throws(AuditError) -> UInt64? {
        let status: stat
        do {
            status = try SystemCall.stat(path(of: name))
        } catch  where error.errno == ENOENT {
            return nil
        } catch {
            throw AuditError(.readFailed, error, name, file: name)
        }
        return UInt64(status.st_size)
    }

    /// Deletes `name` (a segment created for a batch that was never acknowledged).
    func remove(_ name: String) throws(AuditError) {
        do {
            try SystemCall.unlink(path(of: name), ignoringMissing: true)
        } catch {
            throw AuditError(.writeFailed, error.renamed("delete"), name, file: name)
        }
    }

    /// Asks the kernel to drop the cached pages of `name`, so the next read of it comes
    /// from the device rather than from memory. Only clean pages are dropped, so call it
    /// after a successful fsync; best effort (tmpfs, for one, keeps its pages: they are
    /// the storage).
    func dropCachedPages(_ name: String) {
        guard let fd = try? SystemCall.open(path(of: name), O_RDONLY | O_CLOEXEC) else { return }
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        SystemCall.close(fd)
    }

    /// The file ``probeWritable(using:)`` writes, in the audit directory itself (scans read
    /// only `segments/` and `checkpoints/`).
    static let probeName = ".write-probe"

    /// Writes a page-sized file, fsyncs it and deletes it: proves the volume takes a new
    /// block again. A full disk may still take a few hundred bytes into the last,
    /// partly used page of a segment, so a successful small append alone would make a
    /// recovery that fails again at the next batch.
    func probeWritable(using operations: any AuditFileOperations) throws(AuditError) {
        let name = Self.probeName
        defer { try? SystemCall.unlink(path(of: name)) }
        do {
            let page = [UInt8](repeating: 0, count: 4096)
            try writeDurably(page, to: name, flags: O_TRUNC, permissions: 0o600, using: operations)
        } catch {
            throw AuditError(.writeFailed, error.call == "open" ? error.renamed("create") : error, name, file: name)
        }
    }
}
