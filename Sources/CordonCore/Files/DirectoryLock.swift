import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on a data directory (`flock` on `<data>/.lock`), held for
/// the life of an open vault: the audit trail and the stores assume one writer process,
/// so a second process fails fast instead of interleaving appends.
final class DirectoryLock: Sendable {
    private let descriptor: Int32

    init(directory: URL) throws {
        let path = directory.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FileError(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard Self.lock(descriptor) else {
            let busy = errno == EWOULDBLOCK
            close(descriptor)
            throw VaultError(
                .busy,
                busy
                    ? "another cordon process (a running server?) is using \(directory.path); stop it, or send the request through its HTTP API"
                    : "cannot lock \(path): \(String(cString: strerror(errno)))"
            )
        }
        self.descriptor = descriptor
    }

    /// Takes the lock, retrying for up to half a second while it is busy. A process that
    /// forks while this one still holds the lock keeps a copy of the descriptor, and with
    /// it the lock, until it execs: a vault closed and reopened in the same process (a
    /// test, `cordon demo` between loading and serving) may briefly find it held by a
    /// child about to exec. Another process really using the directory holds it far longer.
    private static func lock(_ descriptor: Int32) -> Bool {
        for attempt in 0..<20 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 19 else { return false }
            usleep(25_000)
        }
        return false
    }

    deinit {
        // Closing the descriptor releases the flock.
        close(descriptor)
    }
}
