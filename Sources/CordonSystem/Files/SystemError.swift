#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, the `errno` it set, and the path it was given.
///
/// Captured by ``SystemCall`` right after the call returns, before anything else can
/// overwrite `errno` (as swift-nio's `syscall` helper does).
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call that failed (`open`, `write`, `fsync`, `rename`, ...).
    public var call: String
    /// The `errno` it set (`ENOENT`, `ENOSPC`, ...).
    public var errno: Int32
    /// The file or directory it was about, when it had one.
    public var path: String?

    public init(call: String, errno: Int32, path: String? = nil) {
        self.call = call
        self.errno = errno
        self.path = path
    }

    /// The operating system's text for ``errno`` (`No space left on device`).
    public var reason: String { Self.text(of: errno) }

    /// `open /data/audit: No such file or directory`.
    public var description: String {
        path.map { "\(call) \($0): \(reason)" } ?? "\(call): \(reason)"
    }

    /// The text of an `errno` value (`No space left on device`).
    public static func text(of code: Int32) -> String { String(cString: strerror(code)) }
}

extension SystemError {
    /// The same failure under the name of the operation it was part of (`create` for the
    /// `open` of a new file, `truncate` for the `fsync` after `ftruncate`).
    public func renamed(_ call: String) -> SystemError { SystemError(call: call, errno: errno, path: path) }
}
