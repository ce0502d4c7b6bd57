internal import CSQLite

/// How far a WAL checkpoint goes; see <https://sqlite.org/c3ref/wal_checkpoint_v2.html>.
public enum CheckpointMode: Sendable {
    /// Copies what it can without waiting for readers or writers.
    case passive
    /// Waits for the writer, then copies every frame.
    case full
    /// Like full, then waits for readers so the next writer restarts the WAL.
    case restart
    /// Like restart, then truncates the WAL file to zero bytes.
    case truncate
}

extension Connection {
    /// Copies the write-ahead log into the database file.
    ///
    /// Fails with ``StoreError/Code/busy`` when a mode other than passive could not
    /// finish because another connection held a lock past the busy timeout.
    public func checkpoint(_ mode: CheckpointMode = .truncate) throws {
        let sqliteMode =
            switch mode {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .full: SQLITE_CHECKPOINT_FULL
            case .restart: SQLITE_CHECKPOINT_RESTART
            case .truncate: SQLITE_CHECKPOINT_TRUNCATE
            }
        try check(sqlite3_wal_checkpoint_v2(handle, "main", sqliteMode, nil, nil))
    }
}
