internal import CSQLite
import Foundation

/// One SQLite database connection: opens and sets up the file, runs ``SQL``, and
/// manages transactions.
///
/// A connection is not `Sendable`: SQLite is opened in multi-thread mode
/// (`SQLITE_OPEN_NOMUTEX`), where "a single database connection [must not be] used
/// simultaneously in two or more threads" (<https://sqlite.org/threadsafe.html>).
/// Share it through a ``DatabaseQueue``.
///
/// ```swift
/// let connection = try Connection(path: "/var/lib/cordon/control.db")
/// try connection.execute("INSERT INTO tokens(id, role) VALUES (\(id), \(role))")
/// let count = try connection.scalar(Int.self, "SELECT count(*) FROM tokens")
/// ```
public final class Connection {
    /// The connection handle, owned by this object and closed in `deinit`.
    let handle: OpaquePointer

    /// The database file this connection opened.
    public let path: String

    private var statements: StatementCache

    /// When true, a statement that would change the database fails with
    /// ``StoreError/Code/readOnly`` before it runs (``DatabasePool/readFromWriter(_:)``).
    /// Checked per statement because `PRAGMA query_only`, a flag pragma, expires every
    /// prepared statement of the connection each time it is set.
    var refusesWrites = false

    /// The encrypting VFS the file was opened through, when encrypted. Released after the
    /// handle closes (stored properties outlive `deinit`'s body), so SQLite never uses a
    /// VFS that is gone.
    let pageCipher: PageCipherVFS?

    /// The page cipher's work on this connection's files so far; nil when unencrypted.
    public var pageCipherActivity: PageEncryption.Activity? { pageCipher?.activity }

    /// Process-wide SQLite settings, applied once before SQLite's first use (the first
    /// connection or encrypting VFS): no memory statistics (a global mutex per malloc, and
    /// Cordon never reads them). Ignored if something initialized SQLite first.
    static let libraryConfigured: Bool = cordon_sqlite_disable_memstatus() == SQLITE_OK

    /// Opens (creating unless read-only) a database file and applies the configuration.
    ///
    /// A file that is not a database fails here with ``StoreError/Code/notADatabase``,
    /// because setting up reads the header.
    public init(path: String, configuration: Configuration = Configuration()) throws {
        _ = Self.libraryConfigured
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= configuration.readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        precondition(
            configuration.encryption == nil || configuration.vfsName == nil,
            "an encrypted connection opens through its own VFS; leave vfsName nil"
        )
        // Temporary files (sealed) go beside the store: on its volume, sized for it, and
        // visible as the store's to an operator listing open files.
        let pageCipher = try configuration.encryption.map {
            try PageCipherVFS($0, temporaryDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        var handle: OpaquePointer?
        let resultCode = sqlite3_open_v2(path, &handle, flags, pageCipher?.name ?? configuration.vfsName)
        guard resultCode == SQLITE_OK, let handle else {
            // "Whether or not an error occurs when it is opened, resources associated
            // with the database connection handle should be released by passing it to
            // sqlite3_close()" (<https://sqlite.org/c3ref/open.html>).
            defer { sqlite3_close_v2(handle) }
            if let refusal = pageCipher?.refusal(path: path) {
                throw refusal
            }
            try StoreError.check(resultCode, database: handle, path: path)
            preconditionFailure("sqlite3_open_v2 returned SQLITE_OK without a handle")
        }
        self.handle = handle
        self.path = path
        self.statements = StatementCache(capacity: configuration.statementCacheCapacity)
        self.pageCipher = pageCipher
        // From here a throw runs deinit, which closes the handle.
        try setUp(configuration)
    }

    deinit {
        // Drop cached statements first; sqlite3_close_v2 would otherwise keep the
        // connection as a zombie until they were finalized.
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    // MARK: Running SQL

    /// Runs one statement to completion, discarding any rows it returns.
    public func execute(_ sql: SQL) throws {
        try withStatement(sql) { try $0.forEachRow { _ in } }
    }

    /// Runs several statements of static text with no arguments, such as the DDL of a
    /// migration.
    public func execute(script: StaticString) throws {
        // sqlite3_exec records its error for sqlite3_errmsg, so no message buffer is needed.
        let text = script.description
        let resultCode = sqlite3_exec(handle, text, nil, nil, nil)
        try check(resultCode, sql: text)
    }

    /// Runs a query and returns all its rows.
    public func query(_ sql: SQL) throws -> [Row] {
        var rows: [Row] = []
        try forEachRow(sql) { rows.append($0) }
        return rows
    }

    /// Runs a query and hands each row to `body` as it is stepped, without holding them
    /// all in memory.
    public func forEachRow(_ sql: SQL, _ body: (Row) throws -> Void) throws {
        try withStatement(sql) { try $0.forEachRow(body) }
    }

    /// Returns the first row, throwing ``StoreError/Code/noRow`` when there is none.
    public func firstRow(_ sql: SQL) throws -> Row {
        let row = try withStatement(sql) { try $0.step() }
        guard let row else {
            throw StoreError(code: .noRow, message: "the query returned no row", path: path, sql: sql.text)
        }
        return row
    }

    /// Returns the first column of the first row, or nil when there is no row or the
    /// value is NULL.
    public func scalar<T: DatabaseValueConvertible>(_ type: T.Type, _ sql: SQL) throws -> T? {
        guard let row = try withStatement(sql, { try $0.step() }), row.count > 0, !row[0].isNull else {
            return nil
        }
        return try row.get(T.self, at: 0)
    }

    /// Prepares a statement outside the cache, with the SQL's arguments bound, for a
    /// caller that steps and rebinds it itself.
    public func makeStatement(_ sql: SQL) throws -> Statement {
        let statement = try Statement(database: handle, sql: sql.text, path: path, persistent: false)
        try refuseIfWriting(statement, sql: sql)
        try statement.bind(sql.arguments)
        return statement
    }

    /// The number of rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Makes the running statement fail with ``StoreError/Code/interrupt`` as soon as
    /// possible; ``DatabaseQueue/interrupt()`` calls it from another thread.
    public func interrupt() {
        sqlite3_interrupt(handle)
    }

    // MARK: Internals

    /// Throws for a failed result code of a call on this connection.
    func check(_ resultCode: Int32, sql: String? = nil) throws {
        try StoreError.check(resultCode, database: handle, path: path, sql: sql)
    }

    private func refuseIfWriting(_ statement: Statement, sql: SQL) throws {
        guard refusesWrites, !statement.isReadOnly else { return }
        throw StoreError(code: .readOnly, message: "a read cannot change the database", path: path, sql: sql.text)
    }

    /// Runs `body` with a prepared statement bound to the SQL's arguments, then resets
    /// it and clears its bindings whatever happens.
    func withStatement<T>(_ sql: SQL, _ body: (Statement) throws -> T) throws -> T {
        let statement: Statement
        if let cached = statements.statement(for: sql.text) {
            statement = cached
        } else {
            statement = try Statement(database: handle, sql: sql.text, path: path, persistent: true)
            statements.insert(statement)
        }
        try refuseIfWriting(statement, sql: sql)
        statement.isInUse = true
        defer {
            statement.reset()
            statement.isInUse = false
        }
        try statement.bind(sql.arguments)
        return try body(statement)
    }
}
