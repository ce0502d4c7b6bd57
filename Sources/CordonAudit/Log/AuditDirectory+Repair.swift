#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations recovery needs besides appending: sizes, removing a segment that
/// was never acknowledged, dropping cached pages so a re-read comes from the device, and
/// a probe that the volume takes writes again.
extension AuditDirectory {
    /// The size of `name` in bytes, or nil when it does not exist.
    func byteCount(of name: String) throws(AuditError) -> UInt64? {
        var status = stat()
        guard stat(path(of: name), &status) == 0 else {
            if errno == ENOENT { return nil }
            throw AuditError(.readFailed, "cannot stat \(name): \(errnoText(errno))", file: name)
        }
        return UInt64(status.st_size)
    }

    /// Deletes `name` (a segment created for a batch that was never acknowledged).
    func remove(_ name: String) throws(AuditError) {
        guard unlink(path(of: name)) == 0 || errno == ENOENT else {
            throw AuditError(.writeFailed, "cannot delete \(name): \(errnoText(errno))", file: name)
        }
    }

    /// Asks the kernel to drop the cached pages of `name`, so the next read of it comes
    /// from the device rather than from memory. Only clean pages are dropped, so call it
    /// after a successful fsync; best effort (tmpfs, for one, keeps its pages: they are
    /// the storage).
    func dropCachedPages(_ name: String) {
        let fd = open(path(of: name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        #if canImport(Glibc)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
        #endif
        close(fd)
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
        let fd = open(path(of: name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw AuditError(.writeFailed, "cannot create \(name): \(errnoText(errno))", file: name)
        }
        defer {
            close(fd)
            unlink(path(of: name))
        }
        let bytes = [UInt8](repeating: 0, count: 4096)
        var written = 0
        while written < bytes.count {
            let (count, code) = bytes.withUnsafeBytes {
                operations.write(fd, UnsafeRawBufferPointer(rebasing: $0[written...]))
            }
            if count < 0 && code == EINTR { continue }
            guard count > 0 else {
                throw AuditError(.writeFailed, "cannot write \(name): \(errnoText(count < 0 ? code : EIO))", file: name)
            }
            written += count
        }
        let code = operations.sync(fd)
        guard code == 0 else { throw AuditError(.writeFailed, "cannot fsync \(name): \(errnoText(code))", file: name) }
    }
}
