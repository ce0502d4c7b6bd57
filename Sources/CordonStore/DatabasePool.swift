import Dispatch
import Synchronization

/// A thread-safe owner of one writer ``Connection`` and up to
/// ``maximumReaderCount`` read-only ones, as GRDB's `DatabasePool`: writes are
/// serialized on the writer; reads run beside them, each in its own WAL snapshot.
///
/// ```swift
/// let pool = try DatabasePool(path: "regions/eu.db", configuration: configuration, migrator: RegionSchema.migrator)
/// try pool.write { try $0.execute("INSERT INTO events(sid, event) VALUES (\(sid), \(event))") }
/// // Runs while the write above, or a later one, is in progress:
/// let count = try pool.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") }
/// ```
///
/// What a read sees: every `read` runs in one deferred transaction, so all its statements
/// see the snapshot taken at its first statement — every transaction committed before
/// then, nothing committed after, and never a write in progress. Two reads may see
/// different snapshots; a read that must agree with a write belongs inside the write.
///
/// Readers open the file with `SQLITE_OPEN_READONLY` through the same configuration, so
/// an encrypted store is read through its own encrypting VFS under the same page key and
/// every page a reader takes is authenticated exactly as the writer's are. Readers are
/// opened when first needed and kept.
///
/// Requires WAL (the default journal mode): a rollback-journal database would make the
/// writer wait for readers. Calls do not nest: calling `write` inside a `write` closure
/// of the same pool deadlocks; `read` inside `write` sees the snapshot before the write.
public final class DatabasePool: Sendable {
    /// The database file.
    public let path: String

    /// How many reads may run at once; further reads wait for one to end.
    public let maximumReaderCount: Int

    /// Guards ``writer``: held for the whole of every `write`.
    private let writerLock = Mutex(())

    /// The writer, used only while ``writerLock`` is held; nil once the pool is closed.
    ///
    /// `nonisolated(unsafe)` for the reason ``DatabaseQueue`` gives: every use happens
    /// inside `writerLock.withLock`, one thread at a time; the closures that receive it do
    /// not escape; results are `Sendable`, so no `Statement` leaves the lock.
    private nonisolated(unsafe) var writer: Connection?

    /// The writer's handle for `sqlite3_interrupt`, cleared under this lock before the
    /// writer closes, so an interrupt never reaches a closed connection.
    private let writerInterrupt: Mutex<InterruptHandle?>

    /// Idle and busy readers, and whether the pool is closed.
    private let readers = Mutex(ReaderState())

    /// One permit per reader slot: a read holds one for its whole closure, so at most
    /// ``maximumReaderCount`` readers exist.
    private let readerPermits: DispatchSemaphore

    /// Every read admitted (entered under ``readers``' lock while the pool was open) and
    /// not yet returned, so ``close()`` can wait for them.
    private let readsInProgress = DispatchGroup()

    /// The configuration readers open with: the pool's, read-only.
    private let readerConfiguration: Configuration

    /// Opens the writer (creating the database when needed) and brings the schema up to
    /// date with `migrator`. Readers, up to `configuration.maximumReaderCount`, open when
    /// reads first need them.
    public init(
        path: String,
        configuration: Configuration = Configuration(),
        migrator: Migrator? = nil
    ) throws {
        precondition(configuration.journalMode == .wal, "a pool's readers need WAL: the writer must not wait for them")
        precondition(!configuration.readOnly, "a pool owns a writer; open a read-only Connection instead")
        let writer = try Connection(path: path, configuration: configuration)
        try migrator?.migrate(writer)
        var readerConfiguration = configuration
        readerConfiguration.readOnly = true
        // A reader never creates the file: the writer has made it, with its reserve.
        readerConfiguration.prepareNewDatabase = nil
        self.path = path
        self.maximumReaderCount = max(1, configuration.maximumReaderCount)
        self.readerPermits = DispatchSemaphore(value: max(1, configuration.maximumReaderCount))
        self.readerConfiguration = readerConfiguration
        self.writerInterrupt = Mutex(InterruptHandle(database: writer.handle))
        self.writer = writer
    }

    deinit {
        // Nothing else holds the pool, so no read or write is in progress.
        writerInterrupt.withLock { $0 = nil }
        readers.withLock { $0.idle.removeAll() }
    }

    // MARK: Writing

    /// Runs `body` on the writer in an immediate transaction: committed when it returns,
    /// rolled back when it throws. Reads in progress go on in their snapshots.
    ///
    /// - Throws: ``StoreError/Code/closed`` once ``close()`` has run, or the body's error.
    public func write<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try write(body, onCommitFailure: { _ in })
    }

    /// ``write(_:)`` that runs `onCommitFailure` (still holding the writer, after the
    /// rollback) when the COMMIT itself fails; see
    /// ``Connection/inTransaction(_:_:onCommitFailure:)``.
    public func write<T: Sendable>(
        _ body: (Connection) throws -> T,
        onCommitFailure: (StoreError) throws -> Void
    ) throws -> T {
        try writerLock.withLock { _ in
            guard let writer else { throw closedError() }
            return try writer.inTransaction(.immediate, body, onCommitFailure: onCommitFailure)
        }
    }

    // MARK: Reading

    /// Runs `body` on a read-only connection, in one deferred transaction: every statement
    /// in `body` sees the same snapshot, taken at its first statement. Does not wait for
    /// the writer; waits only when ``maximumReaderCount`` reads are already running.
    ///
    /// - Throws: ``StoreError/Code/closed`` once ``close()`` has run,
    ///   ``StoreError/Code/readOnly`` for any attempt to write, or the body's error.
    public func read<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try readers.withLock { state throws(StoreError) in
            guard !state.isClosed else { throw closedError() }
            readsInProgress.enter()
        }
        defer { readsInProgress.leave() }
        readerPermits.wait()
        defer { readerPermits.signal() }
        let reader = try checkOutReader()
        defer { checkIn(reader) }
        return try reader.connection.inTransaction(.deferred, body)
    }

    /// An idle reader, or a new one; the caller holds a permit.
    private func checkOutReader() throws -> Reader {
        let idle = try readers.withLock { state throws(StoreError) -> Reader? in
            guard !state.isClosed else { throw closedError() }
            guard let reader = state.idle.popLast() else { return nil }
            state.busy[ObjectIdentifier(reader)] = reader.interruptHandle
            return reader
        }
        if let idle { return idle }
        // Opened outside the lock (opening reads and authenticates page 1): close() cannot
        // finish meanwhile, because it waits for this read.
        let reader = Reader(connection: try Connection(path: path, configuration: readerConfiguration))
        readers.withLock { $0.busy[ObjectIdentifier(reader)] = reader.interruptHandle }
        return reader
    }

    private func checkIn(_ reader: Reader) {
        readers.withLock { state in
            state.busy[ObjectIdentifier(reader)] = nil
            state.idle.append(reader)
        }
    }

    /// Runs `body` on the writer with writes refused, waiting only for the writer: for the
    /// short look-ups of a write path (ingest finding the subjects of a batch it is about
    /// to write), which must not queue behind readers busy with long scans, and which see
    /// what the next write will see.
    ///
    /// A statement that would change the database fails with ``StoreError/Code/readOnly``
    /// before it runs. The check is per statement (`sqlite3_stmt_readonly`), not
    /// `PRAGMA query_only`: setting that flag pragma expires every prepared statement of
    /// the connection, so the writer would prepare its cached INSERTs again after each
    /// look-up. `execute(script:)` (static DDL) is not checked.
    ///
    /// - Warning: Holds the writer for the whole of `body`: never use it for a scan.
    public func readFromWriter<T: Sendable>(_ body: (Connection) throws -> T) throws -> T {
        try writerLock.withLock { _ in
            guard let writer else { throw closedError() }
            writer.refusesWrites = true
            defer { writer.refusesWrites = false }
            return try body(writer)
        }
    }

    // MARK: Interrupting and closing

    /// Makes every statement running right now, on the writer and on every reader, fail
    /// with ``StoreError/Code/interrupt``; safe to call from any thread.
    public func interrupt() {
        writerInterrupt.withLock { $0?.interrupt() }
        interruptReaders()
    }

    /// Makes the statements running on readers right now fail with
    /// ``StoreError/Code/interrupt``, leaving the writer alone: a query timeout.
    public func interruptReaders() {
        // Under the lock: a busy reader closes only after leaving `busy`, under this lock.
        readers.withLock { state in
            for handle in state.busy.values { handle.interrupt() }
        }
    }

    /// Closes the pool: waits for every read and write in progress to end, then closes
    /// every connection. Later calls throw ``StoreError/Code/closed``. Idempotent.
    ///
    /// Store maintenance that replaces or rewrites the file (re-encryption, restore from
    /// a backup) calls it first: the file must have no open connection.
    public func close() {
        // From here no read is admitted; those admitted before run (or, still waiting for
        // a reader, fail as closed) and return their readers.
        readers.withLock { $0.isClosed = true }
        readsInProgress.wait()
        readers.withLock { $0.idle.removeAll() }
        writerLock.withLock { _ in
            writerInterrupt.withLock { $0 = nil }
            writer = nil
        }
    }

    private func closedError() -> StoreError {
        StoreError(
            code: .closed,
            message: "\(path) is closed (its file is being replaced or re-encrypted); retry once it reopens",
            path: path
        )
    }
}

extension DatabasePool: DatabaseWriter {}

/// Readers waiting for work, those lent out (by their interrupt handles), and whether
/// the pool is closed.
private struct ReaderState {
    var idle: [Reader] = []
    var busy: [ObjectIdentifier: InterruptHandle] = [:]
    var isClosed = false
}

/// A read-only connection of a ``DatabasePool``.
///
/// `@unchecked Sendable` because the pool lends it to one caller at a time: it leaves
/// `ReaderState.idle` under the pool's lock before its connection is used, and returns
/// there only when that use has ended, so no two threads ever use the connection at once
/// (SQLite's multi-thread mode). Its interrupt handle is the only part used from other
/// threads, and `sqlite3_interrupt` is thread-safe.
private final class Reader: @unchecked Sendable {
    let connection: Connection
    let interruptHandle: InterruptHandle

    init(connection: Connection) {
        self.connection = connection
        self.interruptHandle = InterruptHandle(database: connection.handle)
    }
}
