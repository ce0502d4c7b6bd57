internal import CSQLite

/// A prepared SQLite statement: binds arguments, steps, and decodes rows.
///
/// Obtain one from ``Connection/makeStatement(_:)`` to run the same SQL many times
/// with different arguments, for example in a bulk insert; ``Connection``'s query
/// methods use a cache of statements and need no statement at hand.
public final class Statement {
    /// The prepared statement, owned by this object and finalized in `deinit`.
    let handle: OpaquePointer
    /// The database file, for error messages.
    private let path: String?

    /// The SQL text, with `?` placeholders.
    public let sql: String

    /// Whether a ``Connection`` is stepping this statement right now; a cached statement
    /// in use is not handed out again, so a nested query of the same text cannot reset it.
    var isInUse = false

    /// Prepares exactly one SQL statement, trapping when the text holds none or several:
    /// both mean the text in the source code is wrong.
    ///
    /// - Parameter persistent: Passes `SQLITE_PREPARE_PERSISTENT`, the "hint to the
    ///   query planner that the prepared statement will be retained for a long time
    ///   and probably reused many times" (<https://sqlite.org/c3ref/c_prepare_normalize.html>).
    init(database: OpaquePointer, sql: String, path: String?, persistent: Bool) throws {
        var handle: OpaquePointer?
        var hasTrailingStatement = false
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let resultCode = sql.withCString { start in
            var tail: UnsafePointer<CChar>?
            let resultCode = sqlite3_prepare_v3(database, start, -1, flags, &handle, &tail)
            if resultCode == SQLITE_OK, let tail {
                hasTrailingStatement = Self.containsStatement(tail, database: database)
            }
            return resultCode
        }
        // "*ppStmt is left pointing to a compiled prepared statement ... or NULL if
        // there is an error" (<https://sqlite.org/c3ref/prepare.html>).
        try StoreError.check(resultCode, database: database, path: path, sql: sql)
        guard let handle else {
            preconditionFailure("SQL text holds no statement: \(sql)")
        }
        guard !hasTrailingStatement else {
            sqlite3_finalize(handle)
            preconditionFailure("SQL text holds more than one statement; use execute(script:): \(sql)")
        }
        self.handle = handle
        self.path = path
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Whether running the statement leaves the database unchanged: "The
    /// sqlite3_stmt_readonly(X) interface returns true (non-zero) if and only if the
    /// prepared statement X makes no direct changes to the content of the database file"
    /// (<https://sqlite.org/c3ref/stmt_readonly.html>).
    var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// The result column names, left to right.
    public var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    /// Binds one value per `?` placeholder, trapping when the count differs.
    ///
    /// Text and blobs are bound with `SQLITE_TRANSIENT`, so SQLite copies them and the
    /// Swift values may go away before the statement runs.
    public func bind(_ arguments: [DatabaseValue]) throws {
        let expected = Int(sqlite3_bind_parameter_count(handle))
        precondition(
            arguments.count == expected,
            "statement has \(expected) parameters but \(arguments.count) arguments: \(sql)"
        )
        for (offset, value) in arguments.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    private func bind(_ value: DatabaseValue, at index: Int32) throws {
        let resultCode: Int32
        switch value {
        case .null:
            resultCode = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            resultCode = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            resultCode = sqlite3_bind_double(handle, index, real)
        case .text(var text):
            // Binding the UTF-8 bytes with their length keeps embedded NUL characters.
            resultCode = text.withUTF8 { bytes in
                // A NULL pointer would bind NULL, not the empty string.
                guard let base = bytes.baseAddress else {
                    return sqlite3_bind_text(handle, index, "", 0, cordon_sqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text64(
                        handle,
                        index,
                        $0,
                        UInt64(bytes.count),
                        cordon_sqlite_transient(),
                        UInt8(SQLITE_UTF8)
                    )
                }
            }
        case .blob(let bytes) where bytes.isEmpty:
            // "If the third parameter to sqlite3_bind_blob() is a NULL pointer then the
            // fourth parameter is ignored and the end result is the same as
            // sqlite3_bind_null()" — an empty array may have no storage, so bind a
            // zero-length blob explicitly to keep it distinct from NULL.
            resultCode = sqlite3_bind_zeroblob(handle, index, 0)
        case .blob(let bytes):
            resultCode = bytes.withUnsafeBytes {
                sqlite3_bind_blob64(
                    handle,
                    index,
                    $0.baseAddress,
                    UInt64($0.count),
                    cordon_sqlite_transient()
                )
            }
        }
        try StoreError.check(resultCode, database: sqlite3_db_handle(handle), path: path, sql: sql)
    }

    /// Runs the statement to its next row, returning nil when it is done.
    public func step() throws -> Row? {
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW:
            return Row(columnNames: columnNames, values: currentValues())
        case SQLITE_DONE:
            return nil
        default:
            try StoreError.check(resultCode, database: sqlite3_db_handle(handle), path: path, sql: sql)
            preconditionFailure("sqlite3_step returned SQLITE_OK")
        }
    }

    /// Steps through every row, reading column names once, without keeping the rows.
    func forEachRow(_ body: (Row) throws -> Void) throws {
        let names = columnNames
        while true {
            let resultCode = sqlite3_step(handle)
            switch resultCode {
            case SQLITE_ROW:
                try body(Row(columnNames: names, values: currentValues()))
            case SQLITE_DONE:
                return
            default:
                try StoreError.check(resultCode, database: sqlite3_db_handle(handle), path: path, sql: sql)
                preconditionFailure("sqlite3_step returned SQLITE_OK")
            }
        }
    }

    /// Steps through every row, handing `body` a cursor on the current one.
    func scanRows(_ body: (RowCursor) throws -> Void) throws {
        let cursor = RowCursor(statement: self, columnCount: Int(sqlite3_column_count(handle)))
        while true {
            let resultCode = sqlite3_step(handle)
            switch resultCode {
            case SQLITE_ROW:
                try body(cursor)
            case SQLITE_DONE:
                return
            default:
                try StoreError.check(resultCode, database: sqlite3_db_handle(handle), path: path, sql: sql)
                preconditionFailure("sqlite3_step returned SQLITE_OK")
            }
        }
    }

    /// Rewinds the statement and clears its bindings, so the statement can run again
    /// and the copies SQLite made of bound text and blobs (often personal data) are
    /// freed rather than kept alive in a cache.
    public func reset() {
        // sqlite3_reset repeats the error of the last failed step, already thrown there.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func currentValues() -> [DatabaseValue] {
        (0..<sqlite3_column_count(handle)).map(value(at:))
    }

    func value(at column: Int32) -> DatabaseValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            // "call sqlite3_column_text() first to force the result into the desired
            // format, then invoke sqlite3_column_bytes() to find the size of the result"
            // (<https://sqlite.org/c3ref/column_blob.html>).
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            // A zero-length blob comes back as a NULL pointer with type SQLITE_BLOB.
            guard let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, column))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// Whether text after a prepared statement holds another statement (rather than only
    /// white space, semicolons or comments), found by preparing it.
    private static func containsStatement(_ text: UnsafePointer<CChar>, database: OpaquePointer) -> Bool {
        var cursor = text
        while cursor.pointee != 0 {
            let byte = UInt8(bitPattern: cursor.pointee)
            guard byte == UInt8(ascii: ";") || byte == 0x20 || (0x09...0x0d).contains(byte) else {
                var next: OpaquePointer?
                let resultCode = sqlite3_prepare_v3(database, cursor, -1, 0, &next, nil)
                sqlite3_finalize(next)
                return resultCode != SQLITE_OK || next != nil
            }
            cursor += 1
        }
        return false
    }
}
