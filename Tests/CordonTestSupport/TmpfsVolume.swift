public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted for one test: a volume that really fills up, so "disk full" is
/// tested against the kernel rather than an injected `ENOSPC`.
///
/// Mounting needs root (`CAP_SYS_ADMIN`); elsewhere ``init(byteCount:at:)`` returns nil and
/// the test falls back to injected faults (CordonStore's `FaultInjection`, the audit log's
/// file operations, `DurableFileFaults`). Unmounted (lazily, even with files still open)
/// when released.
///
/// ```swift
/// guard let volume = TmpfsVolume(byteCount: 256 << 10, at: data.appending(path: "audit")) else { ... }
/// let filler = try volume.fill()          // ENOSPC from now on
/// try FileManager.default.removeItem(at: filler)   // space again
/// ```
public final class TmpfsVolume: Sendable {
    /// Where it is mounted.
    public let url: URL
    private let createdDirectory: Bool

    /// Mounts a tmpfs of `byteCount` bytes (rounded up to whole pages by the kernel) at
    /// `directory` (created when missing), or at a fresh temporary directory; nil unless
    /// running as root on Linux with mount permission.
    public init?(byteCount: Int, at directory: URL? = nil) {
        #if canImport(Glibc)
        guard geteuid() == 0 else { return nil }
        let url =
            directory ?? FileManager.default.temporaryDirectory.appending(path: "cordon-tmpfs-\(UUID().uuidString)")
        var isDirectory: ObjCBool = false
        let existed = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        if existed && !isDirectory.boolValue { return nil }
        if !existed {
            guard (try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)) != nil else {
                return nil
            }
        }
        // mount(2) rather than mount(8): no dependency on util-linux, and a clear failure.
        guard mount("tmpfs", url.path, "tmpfs", 0, "size=\(byteCount),mode=0700") == 0 else {
            if !existed { try? FileManager.default.removeItem(at: url) }
            return nil
        }
        self.url = url
        self.createdDirectory = !existed
        #else
        return nil
        #endif
    }

    deinit {
        #if canImport(Glibc)
        // MNT_DETACH: a store or log the test leaked still holding a file open must not
        // leave the mount behind.
        _ = umount2(url.path, Int32(MNT_DETACH))
        if createdDirectory { try? FileManager.default.removeItem(at: url) }
        #endif
    }

    /// Bytes still free for an unprivileged writer.
    public var availableByteCount: Int {
        var status = statvfs()
        guard statvfs(url.path, &status) == 0 else { return 0 }
        return Int(status.f_bavail) * Int(status.f_bsize)
    }

    /// Writes a filler file until the volume is full (the last write fails with `ENOSPC`)
    /// and returns it; delete it to free the space again.
    @discardableResult
    public func fill(named name: String = "filler") throws -> URL {
        let filler = url.appending(path: name)
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x2E, count: 4096)
        while true {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                guard errno == ENOSPC else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                return filler
            }
        }
    }
}
