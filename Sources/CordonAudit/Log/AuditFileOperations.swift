package import CordonSystem

/// The write-path system calls of the log (``FileWriteOperations``: `write(2)` and a sync),
/// behind a seam so tests can inject `EIO`/`ENOSPC` (package-wide, so the vault's and the
/// server's tests can fail a vault's audit sink too).
package protocol AuditFileOperations: FileWriteOperations {}

/// The real system calls; the sync is `fdatasync(2)`: "similar to fsync(), but does not
/// flush modified metadata unless that metadata is needed in order to allow a subsequent
/// data retrieval to be correctly handled" — the file size of an append is such metadata,
/// so appends are durable.
package struct SystemFileOperations: AuditFileOperations {
    private let system = SystemWriteOperations(dataOnly: true)

    package init() {}

    package func write(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> (Int, Int32) {
        system.write(descriptor, buffer)
    }

    package func sync(_ descriptor: Int32) -> Int32 { system.sync(descriptor) }
}

extension AuditError {
    /// `error` as the log reports it: `cannot <call> <what>: <reason>`, naming `file`
    /// relative to the audit directory (errors of the write path reach readiness probes,
    /// which must not show full paths).
    init(_ code: Code, _ error: SystemError, _ what: String, file: String) {
        self.init(code, "cannot \(error.call) \(what): \(error.reason)", file: file)
    }
}
