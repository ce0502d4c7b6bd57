internal import CSQLite

extension StoreError {
    /// The one place where SQLite result codes become errors: returns on `SQLITE_OK`,
    /// throws for failures of the environment (disk, locks, corruption, constraints),
    /// and traps for misuse, which only a bug in CordonStore or its caller can cause.
    ///
    /// Call it right after the failing C call: "If the most recent sqlite3_* API call
    /// associated with database connection D failed, then the sqlite3_errmsg(D)
    /// interface returns English-language text that describes the error"
    /// (<https://sqlite.org/c3ref/errcode.html>).
    static func check(
        _ resultCode: Int32,
        database: OpaquePointer?,
        path: String?,
        sql: String? = nil
    ) throws {
        guard resultCode != SQLITE_OK else { return }
        // The encrypting VFS knows which file and page failed; SQLite only says
        // "disk I/O error".
        let message =
            database.flatMap { pageFailureMessage(database: $0, resultCode: resultCode) }
            ?? database.map { String(cString: sqlite3_errmsg($0)) }
            ?? String(cString: sqlite3_errstr(resultCode))
        switch resultCode & 0xff {
        case SQLITE_MISUSE, SQLITE_RANGE:
            preconditionFailure("SQLite misuse (\(resultCode)): \(message)")
        default:
            throw StoreError(
                code: Code(sqliteResultCode: resultCode),
                extendedCode: resultCode,
                message: message,
                path: path,
                sql: sql
            )
        }
    }
}
