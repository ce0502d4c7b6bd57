import CordonSystem
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
        let descriptor: Int32
        do {
            descriptor = try SystemCall.open(path, O_RDWR | O_CREAT | O_CLOEXEC, permissions: 0o600)
        } catch {
            throw FileError(message: "cannot open the lock file \(path): \(error.reason)")
        }
        if let failure = Self.lock(descriptor, path: path) {
            SystemCall.close(descriptor)
            throw VaultError(
                .busy,
                failure.errno == EWOULDBLOCK
                    ? "another cordon process (a running server?) is using \(directory.path); stop it, or send the request through its HTTP API"
                    : "cannot lock \(path): \(failure.reason)"
            )
        }
        self.descriptor = descriptor
    }

    /// Takes the lock, retrying for up to half a second while it is busy; returns the last
    /// failure when it could not. A process that forks while this one still holds the lock
    /// keeps a copy of the descriptor, and with it the lock, until it execs: a vault closed and reopened in the same process (a
    /// test, `cordon demo` between loading and serving) may briefly find it held by a
    /// child about to exec. Another process really using the directory holds it far longer.
    private static func lock(_ descriptor: Int32, path: String) -> SystemError? {
        for attempt in 0..<20 {
            do {
                try SystemCall.flock(descriptor, LOCK_EX | LOCK_NB, path: path)
                return nil
            } catch {
                guard error.errno == EWOULDBLOCK, attempt < 19 else { return error }
                usleep(25_000)
            }
        }
        return nil
    }

    deinit {
        // Closing the descriptor releases the flock.
        SystemCall.close(descriptor)
    }
}
