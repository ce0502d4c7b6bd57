import Foundation

/// How a ``Connection`` opens and sets up its database; the defaults are the safe ones.
///
/// ```swift
/// var configuration = Configuration()
/// configuration.vfsName = "cordon-encrypted"
/// configuration.prepareNewDatabase = { connection in try connection.setReserveBytes(40) }
/// let connection = try Connection(path: "regions/eu.db", configuration: configuration)
/// ```
public struct Configuration: Sendable {
    /// How SQLite journals a transaction; see <https://sqlite.org/pragma.html#pragma_journal_mode>.
    public enum JournalMode: Sendable {
        /// Write-ahead logging: readers do not block the writer, a commit appends to the
        /// `-wal` file. Persistent in the database file.
        case wal
        /// The classic rollback journal, deleted after each transaction.
        case delete
    }

    /// How often SQLite waits for data to reach the disk; see
    /// <https://sqlite.org/pragma.html#pragma_synchronous>.
    public enum Synchronous: Sendable {
        /// Syncs the WAL on every commit: a commit survives power loss.
        case full
        /// Syncs only at checkpoints: a commit survives a crash of the process but the
        /// last ones may roll back on power loss. Use it only where a group commit
        /// makes its own batch durable before acknowledging it.
        case normal
    }

    /// Opens the file read-only; nothing, not even the journal mode, is written.
    public var readOnly = false

    /// The journal mode. WAL by default, so readers and one writer work concurrently and
    /// a committed transaction is one append.
    public var journalMode: JournalMode = .wal

    /// The sync level. FULL by default because an acknowledged write must survive
    /// `kill -9` and power loss; in WAL mode NORMAL could lose the last commits on
    /// power loss.
    public var synchronous: Synchronous = .full

    /// Enforces foreign keys, which SQLite leaves off unless asked on every connection.
    public var foreignKeys = true

    /// Overwrites deleted content with zeros, so an erased subject's bytes do not
    /// linger in free pages ("When secure_delete is on, SQLite overwrites deleted
    /// content with zeros", <https://sqlite.org/pragma.html#pragma_secure_delete>).
    public var secureDelete = true

    /// How long, in milliseconds, a statement waits for another connection's lock
    /// before failing with ``StoreError/Code/busy``.
    public var busyTimeout: Int32 = 5000

    /// Keeps temporary tables and indices (sorts, `GROUP BY`, `VACUUM`) in memory. When
    /// false they go to temporary files, which SQLite unlinks as soon as they are open;
    /// an encrypted connection seals them under a key drawn for each file and creates them
    /// beside the database, a plain one writes them in clear where SQLite chooses.
    public var tempStoreMemory = true

    /// The SQLite VFS to open the file with, such as an encrypting VFS registered by
    /// another module; nil for SQLite's default.
    public var vfsName: String? = nil

    /// Encrypts and authenticates every page the connection writes — database, WAL and
    /// journal — under a page key; nil for a plain file.
    ///
    /// With encryption on, a new database gets ``PageEncryption/reserveByteCount``
    /// reserved bytes before its first write, temporary files are sealed too (and created
    /// in the database's directory, not the process's temporary directory), and
    /// ``vfsName`` must be nil (the connection registers its
    /// own encrypting VFS). An existing file that does not authenticate fails to open with
    /// ``StoreError/Code/notADatabase`` ("cannot open <path>: wrong page key or not a
    /// Cordon store"); a page that fails later fails its statement with
    /// ``StoreError/Code/ioError`` naming the file and page.
    public var encryption: PageEncryption? = nil

    /// How many prepared statements a connection keeps for reuse, keyed by SQL text.
    public var statementCacheCapacity = 64

    /// SQLite's page cache per connection, in KiB (`PRAGMA cache_size = -N`). With page
    /// encryption every cache miss costs a decryption (≈ 3 µs per 4 KiB page), so stores
    /// that ingest into random-order indexes want more than SQLite's 2 MiB default.
    public var cacheSizeKiB = 2000

    /// How many read-only connections a ``DatabasePool`` opens at most, so how many reads
    /// run beside its writer at once: the machine's core count, and at least 2. Ignored
    /// by ``DatabaseQueue`` and ``Connection``.
    public var maximumReaderCount = max(2, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs right after a connection opens an empty database, before anything writes
    /// to it — the only moment page-format settings such as
    /// ``Connection/setReserveBytes(_:)`` take effect. Not run for an existing database.
    public var prepareNewDatabase: (@Sendable (Connection) throws -> Void)? = nil

    /// The safe defaults.
    public init() {}
}
