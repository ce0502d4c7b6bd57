#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write-path system calls of the log, behind a seam so tests can inject `EIO`/`ENOSPC`
/// (package-wide, so the vault's and the server's tests can fail a vault's audit sink too).
package protocol AuditFileOperations: Sendable {
    /// `write(2)`: bytes written, or -1 with the errno returned in the second value.
    func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32)
    /// `fdatasync(2)`/`fsync(2)`: 0, or the errno.
    func sync(_ descriptor: Int32) -> Int32
}

/// The real system calls.
package struct SystemFileOperations: AuditFileOperations {
    package init() {}

    package func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        let written = posixWrite(descriptor, buffer.baseAddress, buffer.count)
        return (written, written < 0 ? errno : 0)
    }

    package func sync(_ descriptor: Int32) -> Int32 {
        // fdatasync(2): "similar to fsync(), but does not flush modified metadata unless that
        // metadata is needed in order to allow a subsequent data retrieval to be correctly
        // handled" — the file size of an append is such metadata, so appends are durable.
        fdatasync(descriptor) == 0 ? 0 : errno
    }
}

/// The text of an errno value (`No space left on device`).
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// `write(2)` under another name, since `AuditFileOperations.write` shadows it.
private func posixWrite(_ descriptor: Int32, _ base: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, base, count)
}
