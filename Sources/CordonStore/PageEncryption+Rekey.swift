import CordonSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension PageEncryption {
    /// Re-encrypts the store at `path` under a new page key, crash-safely: at every
    /// moment the file at `path` is either the whole old store (old key) or the whole new
    /// one (new key), never a mix.
    ///
    /// The store is written under the new key to `<path>.rekey` with `VACUUM INTO`
    /// (which keeps the reserve), checked, synced, and renamed over `path` (an atomic
    /// replace), then the directory is synced.
    ///
    /// - Warning: No other connection may have the store open: close the region's queue
    ///   first. Keep the old key until this returns; after a crash, learn which key the
    ///   store is under with ``StoreVerifier/opens(path:with:)``.
    public static func reencryptStore(
        at path: String,
        from old: PageEncryption,
        to new: PageEncryption
    ) throws {
        let temporaryPath = path + ".rekey"
        try removeStoreFiles(at: temporaryPath)
        let target = try PageCipherVFS(new)
        do {
            let source = try Connection(path: path, configuration: configuration(old))
            try source.checkpoint(.truncate)
            try source.execute("VACUUM INTO \(uriFilename(temporaryPath, vfs: target.name))")
            // Closing the last connection checkpoints and deletes the WAL, so the store is
            // one file when it is replaced.
        }
        do {
            let copy = try Connection(path: temporaryPath, configuration: configuration(new))
            let check = try copy.scalar(String.self, "PRAGMA quick_check")
            guard check == "ok" else {
                throw StoreError(
                    code: .corrupt,
                    message: "the re-encrypted copy of \(path) failed its check: \(check ?? "")",
                    path: temporaryPath
                )
            }
            try copy.checkpoint(.truncate)
        }
        try synchronize(path: temporaryPath)
        do {
            try SystemCall.rename(temporaryPath, to: path)
        } catch {
            throw StoreError(
                code: .ioError,
                message: "cannot replace \(path) with its re-encrypted copy: \(error.reason)",
                path: path
            )
        }
        try synchronize(
            path: (path as NSString).deletingLastPathComponent.isEmpty
                ? "." : (path as NSString).deletingLastPathComponent
        )
        try removeStoreFiles(at: temporaryPath)
    }

    private static func configuration(_ encryption: PageEncryption) -> Configuration {
        var configuration = Configuration()
        configuration.encryption = encryption
        return configuration
    }

    /// A `file:` URI naming a VFS; `%`, `?` and `#` in the path are escaped, as SQLite's
    /// URI rules ask (<https://sqlite.org/uri.html>).
    private static func uriFilename(_ path: String, vfs: String) -> String {
        var escaped = ""
        for character in path.unicodeScalars {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "file:\(escaped)?vfs=\(vfs)"
    }

    /// Removes a leftover copy from an interrupted re-encryption, with its WAL and shm.
    private static func removeStoreFiles(at path: String) throws {
        for suffix in ["", "-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    /// fsync(2) on a file or directory, so a rename is durable after the data it names.
    private static func synchronize(path: String) throws {
        do {
            let descriptor = try SystemCall.open(path, O_RDONLY | O_CLOEXEC)
            defer { SystemCall.close(descriptor) }
            try SystemCall.fsync(descriptor, path: path)
        } catch {
            throw StoreError(code: .ioError, message: "cannot sync \(path): \(error)", path: path)
        }
    }
}
