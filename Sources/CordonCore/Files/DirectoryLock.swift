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
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
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

    deinit {
        // Closing the descriptor releases the flock.
        close(descriptor)
    }
}
