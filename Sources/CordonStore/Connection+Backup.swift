internal import CSQLite
import Foundation

extension Connection {
    /// How far a ``backup(into:encryption:pagesPerStep:progress:)`` has got.
    public struct BackupProgress: Sendable, Equatable {
        /// Pages copied so far.
        public var copiedPages: Int
        /// Pages of the source database (it may grow while the copy runs).
        public var totalPages: Int
    }

    /// Copies this database into a new file at `path` with SQLite's online backup API
    /// (`sqlite3_backup_*`), consistently while other connections keep writing: "If the
    /// source database is modified by [another connection] during the backup, the backup
    /// will be restarted by the next call to sqlite3_backup_step()"
    /// (<https://sqlite.org/c3ref/backup_finish.html>). The copy is written through a
    /// connection of its own opened with `encryption`, so its pages are sealed exactly as
    /// a store's pages are on disk: no plaintext page ever reaches the file.
    ///
    /// `path` must not exist. The copy is one file (rollback journal, synced), which
    /// SQLite reopens in the source's journal mode.
    public func backup(
        into path: String,
        encryption: PageEncryption?,
        pagesPerStep: Int32 = 256,
        progress: (BackupProgress) -> Void = { _ in }
    ) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(code: .cantOpen, message: "\(path) already exists; a backup never overwrites", path: path)
        }
        var configuration = Configuration()
        configuration.encryption = encryption
        // A WAL destination refuses a page size other than its own; the copy takes the
        // source's page size and reserve, and its header keeps the source's journal mode.
        configuration.journalMode = .delete
        let destination = try Connection(path: path, configuration: configuration)
        let copy = try OnlineBackup(from: self, to: destination)
        while try copy.step(pagesPerStep) {
            progress(copy.progress)
        }
        progress(copy.progress)
        try copy.finish()
    }
}

/// Owns one `sqlite3_backup` handle: `init` starts it, ``finish()`` (or `deinit`, after a
/// failure) releases it.
private final class OnlineBackup {
    private var handle: OpaquePointer?
    private let source: Connection
    private let destination: Connection

    init(from source: Connection, to destination: Connection) throws {
        self.source = source
        self.destination = destination
        handle = sqlite3_backup_init(destination.handle, "main", source.handle, "main")
        if handle == nil {
            // "If an error occurs within sqlite3_backup_init(D,N,S,M), then NULL is returned
            // and an error code and error message are stored in the destination database
            // connection D."
            try destination.check(sqlite3_errcode(destination.handle))
            throw StoreError(code: .error, message: "cannot start a backup of \(source.path)", path: source.path)
        }
    }

    deinit {
        if let handle { sqlite3_backup_finish(handle) }
    }

    /// Copies up to `pages` pages; returns whether more remain. Busy and locked sources are
    /// retried after a short sleep ("the function may be called again later").
    func step(_ pages: Int32) throws -> Bool {
        guard let handle else { return false }
        let resultCode = sqlite3_backup_step(handle, pages)
        switch resultCode {
        case SQLITE_OK: return true
        case SQLITE_DONE: return false
        case SQLITE_BUSY, SQLITE_LOCKED:
            sqlite3_sleep(10)
            return true
        default:
            try destination.check(resultCode)
            return false
        }
    }

    var progress: Connection.BackupProgress {
        guard let handle else { return .init(copiedPages: 0, totalPages: 0) }
        let total = Int(sqlite3_backup_pagecount(handle))
        return .init(copiedPages: total - Int(sqlite3_backup_remaining(handle)), totalPages: total)
    }

    /// Releases the backup; its result code is that of the copy as a whole.
    func finish() throws {
        guard let handle else { return }
        self.handle = nil
        try destination.check(sqlite3_backup_finish(handle))
    }
}
