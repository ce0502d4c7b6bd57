/// An error thrown by CordonStore: a failed SQLite call, or a value or schema that does
/// not fit what the caller asked for.
///
/// The description is safe to log: it names the database file, the code and SQLite's
/// own message, and never a bound value. SQLite's messages name tables, columns and
/// constraints ("UNIQUE constraint failed: subjects.external_index"), not row content,
/// and the SQL CordonStore prepares never contains values because every value is bound.
/// The SQL text is kept apart in ``sql`` all the same, so a log line stays short.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; compare with the static members of ``Code``.
    public var code: Code

    /// SQLite's extended result code (for example 2067, `SQLITE_CONSTRAINT_UNIQUE`),
    /// or 0 when the error did not come from SQLite.
    public var extendedCode: Int32

    /// A message safe to log: SQLite's `sqlite3_errmsg` text, or CordonStore's own.
    public var message: String

    /// The database file the failing connection had open, when known.
    public var path: String?

    /// The SQL text of the failing statement, when there was one; it holds `?`
    /// placeholders only, never values.
    public var sql: String?

    /// Creates an error.
    public init(
        code: Code,
        extendedCode: Int32 = 0,
        message: String,
        path: String? = nil,
        sql: String? = nil
    ) {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
        self.path = path
        self.sql = sql
    }

    /// A one-line summary naming the code, the file and the message, without the SQL.
    public var description: String {
        var text = "\(code) error"
        if extendedCode != 0 {
            text += " (SQLite \(extendedCode))"
        }
        if let path {
            text += " in \(path)"
        }
        return text + ": \(message)"
    }
}
