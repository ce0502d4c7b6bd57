internal import CSQLite

extension Connection {
    /// Applies a configuration right after open, in this fixed order:
    ///
    /// 1. `sqlite3_busy_timeout` and `sqlite3_db_config` hardening (nothing is read);
    /// 2. when the database is empty, the reserve for page encryption, then
    ///    `prepareNewDatabase`, so page-format settings come before any write;
    /// 3. the connection-level pragmas `foreign_keys`, `secure_delete`, `temp_store`
    ///    and `synchronous`, which write nothing;
    /// 4. `journal_mode`, last, because switching to WAL writes page 1.
    ///
    /// Pragmas take no bound parameters, so their text comes only from the literals
    /// below, chosen by enum cases and booleans.
    func setUp(_ configuration: Configuration) throws {
        try check(sqlite3_busy_timeout(handle, configuration.busyTimeout))
        try harden()

        let isEncrypted = configuration.encryption != nil
        if isEncrypted || configuration.prepareNewDatabase != nil, try isEmpty() {
            if isEncrypted {
                try setReserveBytes(PageEncryption.reserveByteCount)
            }
            try configuration.prepareNewDatabase?(self)
        }

        try execute(configuration.foreignKeys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF")
        try execute(configuration.secureDelete ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = OFF")
        try execute(configuration.tempStoreMemory ? "PRAGMA temp_store = MEMORY" : "PRAGMA temp_store = FILE")
        // PRAGMA takes no bound parameter; the integer is rendered by Swift from the
        // configuration, never from outside text.
        try execute(SQL(verbatim: "PRAGMA cache_size = -\(max(configuration.cacheSizeKiB, 100))"))
        switch configuration.synchronous {
        case .full: try execute("PRAGMA synchronous = FULL")
        case .normal: try execute("PRAGMA synchronous = NORMAL")
        }
        if !configuration.readOnly {
            switch configuration.journalMode {
            case .wal: try execute("PRAGMA journal_mode = WAL")
            case .delete: try execute("PRAGMA journal_mode = DELETE")
            }
        } else {
            // Reading the journal mode reads the header, so a file that is not a
            // database fails to open read-only too.
            try execute("PRAGMA journal_mode")
        }
    }

    /// Turns off SQLite features that would let SQL text damage the file or misread a
    /// typo, independently of any query.
    private func harden() throws {
        // "The SQLITE_DBCONFIG_DEFENSIVE option activates or deactivates the 'defensive'
        // flag ... disables language features that allow ordinary SQL to deliberately
        // corrupt the database file" (<https://sqlite.org/c3ref/c_dbconfig_defensive.html>).
        try setDatabaseConfig(SQLITE_DBCONFIG_DEFENSIVE, 1)
        // Identifiers render as "name"; with double-quoted string literals allowed, a
        // misspelled column would silently become a string instead of an error.
        try setDatabaseConfig(SQLITE_DBCONFIG_DQS_DML, 0)
        try setDatabaseConfig(SQLITE_DBCONFIG_DQS_DDL, 0)
        // Functions and views in a schema are not trusted to run with side effects.
        try setDatabaseConfig(SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)
    }

    private func setDatabaseConfig(_ option: Int32, _ value: Int32) throws {
        var current: Int32 = 0
        try check(cordon_sqlite_db_config_int(handle, option, value, &current))
    }

    /// Whether the main database has no page yet. `page_count` counts pages in the WAL
    /// as well, so a database whose content is not yet checkpointed is not empty.
    private func isEmpty() throws -> Bool {
        try scalar(Int64.self, "PRAGMA page_count") == 0
    }

    // MARK: File-level settings

    /// Reserves `byteCount` bytes at the end of every page for a VFS (nonce and tag of
    /// an encrypting VFS); effective only before the first write of a new database.
    ///
    /// Calls `sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n)`: "The
    /// SQLITE_FCNTL_RESERVE_BYTES opcode is used to change the number of bytes of space
    /// reserved at the end of each page" (<https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html>).
    /// Afterwards the call succeeds but changes nothing until a `VACUUM`.
    public func setReserveBytes(_ byteCount: Int32) throws {
        precondition((0...255).contains(byteCount), "reserve must be 0...255 bytes")
        var value = byteCount
        try check(sqlite3_file_control(handle, "main", SQLITE_FCNTL_RESERVE_BYTES, &value))
    }

    /// The schema version stored in the database header by `PRAGMA user_version`.
    public var userVersion: Int {
        get throws { try scalar(Int.self, "PRAGMA user_version") ?? 0 }
    }

    /// Stores a schema version in the database header; ``Migrator`` calls it inside
    /// the transaction of each migration.
    public func setUserVersion(_ version: Int) throws {
        precondition((0...Int(Int32.max)).contains(version), "user_version is a 32-bit value")
        // PRAGMA takes no bound parameter; the integer is rendered by Swift, not taken
        // from text.
        try execute(SQL(verbatim: "PRAGMA user_version = \(version)"))
    }
}
