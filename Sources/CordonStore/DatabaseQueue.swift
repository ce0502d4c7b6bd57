internal import CSQLite
import Synchronization

/// A thread-safe owner of one ``Connection``: every access runs under a lock, so any
/// number of threads may share one queue.
///
/// ```swift
/// let queue = try DatabaseQueue(path: "regions/eu.db", migrator: RegionSchema.migrator)
/// try queue.write { connection in
///     try connection.execute("INSERT INTO events(subject_id, event) VALUES (\(id), \(event))")
/// }
/// let count = try queue.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") }
/// ```
///
/// Calls do not nest: calling `read` or `write` from inside a closure of the same
/// queue deadlocks. Use the ``Connection`` passed to the closure instead.
public final class DatabaseQueue: Sendable {
    /// Guards ``connection``: held for the whole of every `read` and `write`.
    private let lock = Mutex(())

    /// The connection, used only while ``lock`` is held.
    ///
    /// `nonisolated(unsafe)` because `Connection` is not `Sendable`, and this is what
    /// makes sharing it safe: every use happens inside `lock.withLock`, one thread at a
    /// time, as SQLite's multi-thread mode requires; the closures that receive it do not
    /// escape; and results must be `Sendable`, so a `Statement` cannot leave the lock.
    /// (A `Mutex<Connection>` cannot express this: the compiler cannot prove that
    /// `body` keeps no reference to the connection it is given.)
    private nonisolated(unsafe) let connection: Connection

    private let interruptHandle: InterruptHandle

    /// The database file.
    public let path: String

    /// Opens a database and, when given a migrator, brings its schema up to date.
    public init(
        path: String,
        configuration: Configuration = Configuration(),
        migrator: Migrator? = nil
    ) throws {
        let connection = try Connection(path: path, configuration: configuration)
        try migrator?.migrate(connection)
        self.path = path
        self.interruptHandle = InterruptHandle(database: connection.handle)
        self.connection = connection
    }

    /// Runs `body` in an immediate transaction: committed when it returns, rolled back
    /// when it throws.
    public func write<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.inTransaction(.immediate, body)
        }
    }

    /// ``write(_:)`` that runs `onCommitFailure` (still under the lock, after the rollback)
    /// when the COMMIT itself fails; see ``Connection/inTransaction(_:_:onCommitFailure:)``.
    public func write<T: Sendable>(
        _ body: (Connection) throws -> T,
        onCommitFailure: (StoreError) throws -> Void
    ) throws -> T {
        try lock.withLock { _ in
            try connection.inTransaction(.immediate, body, onCommitFailure: onCommitFailure)
        }
    }

    /// Runs `body` with writes forbidden (`PRAGMA query_only`), so a read path cannot
    /// change the database even by mistake.
    public func read<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.execute("PRAGMA query_only = ON")
            defer { _ = try? connection.execute("PRAGMA query_only = OFF") }
            return try body(connection)
        }
    }

    /// Makes the statement running right now, if any, fail with
    /// ``StoreError/Code/interrupt``; safe to call from any thread.
    public func interrupt() {
        interruptHandle.interrupt()
    }
}

/// The connection handle, for `sqlite3_interrupt` only.
///
/// `@unchecked Sendable` because the only call made through it is thread-safe: "It is
/// safe to call this routine from a thread different from the thread that is currently
/// running the database operation. But it is not safe to call this routine with a
/// database connection that is closed or might close before sqlite3_interrupt()
/// returns" (<https://sqlite.org/c3ref/interrupt.html>). The handle lives in the same
/// ``DatabaseQueue`` as the connection, so it cannot close while a caller holds the queue;
/// a ``DatabasePool`` drops it, under a lock, before its connection closes.
struct InterruptHandle: @unchecked Sendable {
    let database: OpaquePointer

    func interrupt() {
        sqlite3_interrupt(database)
    }
}
