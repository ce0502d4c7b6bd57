internal import CSQLite

extension StoreError {
    /// The kind of a ``StoreError``: one of SQLite's primary result codes, or a failure
    /// CordonStore detects itself.
    ///
    /// A struct rather than an enum so new codes can be added without breaking a
    /// `switch` elsewhere; compare with `==` (`error.code == .constraint`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Domain: Hashable, Sendable {
            case sqlite
            case store
        }

        private let domain: Domain
        private let value: Int32
        private let name: String

        private init(_ domain: Domain, _ value: Int32, _ name: String) {
            self.domain = domain
            self.value = value
            self.name = name
        }

        /// The code for an SQLite result code; extended codes map to their primary
        /// code, which SQLite defines as the low eight bits.
        init(sqliteResultCode resultCode: Int32) {
            let primary = resultCode & 0xff
            let known = Self.sqliteCodes.first { $0.value == primary }
            self = known ?? Code(.sqlite, primary, "sqlite(\(primary))")
        }

        /// SQLite's primary result code, or nil for a code CordonStore defines.
        public var sqlitePrimaryCode: Int32? { domain == .sqlite ? value : nil }

        /// The code's short name, such as `constraint` or `schemaTooNew`.
        public var description: String { name }

        // Equality ignores the name, which only follows from the domain and value.
        public static func == (lhs: Code, rhs: Code) -> Bool {
            lhs.domain == rhs.domain && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(domain)
            hasher.combine(value)
        }

        // MARK: SQLite result codes

        /// `SQLITE_ERROR`: a generic error, such as an SQL syntax error or a missing table.
        public static let error = Code(.sqlite, SQLITE_ERROR, "error")
        /// `SQLITE_INTERNAL`: a bug inside SQLite.
        public static let `internal` = Code(.sqlite, SQLITE_INTERNAL, "internal")
        /// `SQLITE_PERM`: the access mode for a newly created database could not be provided.
        public static let permission = Code(.sqlite, SQLITE_PERM, "permission")
        /// `SQLITE_ABORT`: an operation was aborted, often by a rollback.
        public static let abort = Code(.sqlite, SQLITE_ABORT, "abort")
        /// `SQLITE_BUSY`: another connection holds a conflicting lock past the busy timeout.
        public static let busy = Code(.sqlite, SQLITE_BUSY, "busy")
        /// `SQLITE_LOCKED`: a conflict inside this connection or a shared cache.
        public static let locked = Code(.sqlite, SQLITE_LOCKED, "locked")
        /// `SQLITE_NOMEM`: SQLite could not allocate memory.
        public static let noMemory = Code(.sqlite, SQLITE_NOMEM, "noMemory")
        /// `SQLITE_READONLY`: a write on a read-only connection or file.
        public static let readOnly = Code(.sqlite, SQLITE_READONLY, "readOnly")
        /// `SQLITE_INTERRUPT`: the operation was stopped by ``Connection/interrupt()``.
        public static let interrupt = Code(.sqlite, SQLITE_INTERRUPT, "interrupt")
        /// `SQLITE_IOERR`: the operating system or the VFS reported an I/O error; an
        /// encrypted VFS reports a page that fails authentication this way.
        public static let ioError = Code(.sqlite, SQLITE_IOERR, "ioError")
        /// `SQLITE_CORRUPT`: the database file is malformed.
        public static let corrupt = Code(.sqlite, SQLITE_CORRUPT, "corrupt")
        /// `SQLITE_FULL`: the disk is full.
        public static let full = Code(.sqlite, SQLITE_FULL, "full")
        /// `SQLITE_CANTOPEN`: the file could not be opened.
        public static let cantOpen = Code(.sqlite, SQLITE_CANTOPEN, "cantOpen")
        /// `SQLITE_PROTOCOL`: a locking protocol problem between connections.
        public static let `protocol` = Code(.sqlite, SQLITE_PROTOCOL, "protocol")
        /// `SQLITE_SCHEMA`: the schema changed under a statement.
        public static let schema = Code(.sqlite, SQLITE_SCHEMA, "schema")
        /// `SQLITE_TOOBIG`: a string or blob exceeds SQLite's size limit.
        public static let tooBig = Code(.sqlite, SQLITE_TOOBIG, "tooBig")
        /// `SQLITE_CONSTRAINT`: a UNIQUE, CHECK, NOT NULL or foreign key constraint failed.
        public static let constraint = Code(.sqlite, SQLITE_CONSTRAINT, "constraint")
        /// `SQLITE_MISMATCH`: a value does not fit a column's type, such as a text rowid.
        public static let mismatch = Code(.sqlite, SQLITE_MISMATCH, "mismatch")
        /// `SQLITE_AUTH`: an authorizer denied the statement.
        public static let authorization = Code(.sqlite, SQLITE_AUTH, "authorization")
        /// `SQLITE_NOTADB`: the file is not a database, or cannot be decrypted as one.
        public static let notADatabase = Code(.sqlite, SQLITE_NOTADB, "notADatabase")

        private static let sqliteCodes: [Code] = [
            .error, .internal, .permission, .abort, .busy, .locked, .noMemory, .readOnly,
            .interrupt, .ioError, .corrupt, .full, .cantOpen, .protocol, .schema, .tooBig,
            .constraint, .mismatch, .authorization, .notADatabase,
        ]

        // MARK: CordonStore codes

        /// The database has a schema version newer than this build's migrations.
        public static let schemaTooNew = Code(.store, 1, "schemaTooNew")
        /// A stored value has a different type than the one asked for.
        public static let typeMismatch = Code(.store, 2, "typeMismatch")
        /// A query that must return a row returned none.
        public static let noRow = Code(.store, 3, "noRow")
        /// A name is not a valid SQL identifier.
        public static let invalidIdentifier = Code(.store, 4, "invalidIdentifier")
        /// A row has no column with the requested name or index.
        public static let columnNotFound = Code(.store, 5, "columnNotFound")
        /// The ``DatabasePool`` was closed (its file is being replaced or re-encrypted).
        public static let closed = Code(.store, 6, "closed")
    }
}
