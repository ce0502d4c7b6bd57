#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file operations recovery needs besides writing: sizes, removing a segment that was
/// never acknowledged, and dropping cached pages so a re-read comes from the device.
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
}
