/// An ordered list of schema migrations, applied to a database according to its
/// `PRAGMA user_version`.
///
/// ```swift
/// var migrator = Migrator()
/// migrator.register(version: 1, name: "subjects") { connection in
///     try connection.execute(script: "CREATE TABLE subjects(id BLOB PRIMARY KEY, country TEXT NOT NULL)")
/// }
/// try migrator.migrate(connection)
/// ```
public struct Migrator: Sendable {
    /// One schema step.
    public struct Migration: Sendable {
        /// The `user_version` the database has once this step is applied.
        public let version: Int
        /// A short name for logs and errors.
        public let name: String
        /// The schema change, run inside the migration's transaction.
        public let migrate: @Sendable (Connection) throws -> Void
    }

    /// The registered migrations, by increasing version.
    public private(set) var migrations: [Migration] = []

    /// Creates a migrator with no migrations.
    public init() {}

    /// Adds a migration, whose version must be above every version registered so far.
    public mutating func register(
        version: Int,
        name: String,
        _ migrate: @escaping @Sendable (Connection) throws -> Void
    ) {
        precondition(
            version > latestVersion && version <= Int(Int32.max),
            "migration \(name) has version \(version), not above \(latestVersion)"
        )
        migrations.append(Migration(version: version, name: name, migrate: migrate))
    }

    /// The version of the newest registered migration, 0 when there is none.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration above the database's `user_version`, each in its own
    /// immediate transaction that also sets `user_version`, so a failure leaves the
    /// database at the last completed step.
    ///
    /// A database with a newer schema than this build knows throws
    /// ``StoreError/Code/schemaTooNew`` before anything is written: an older binary
    /// must not run against data it does not understand.
    public func migrate(_ connection: Connection) throws {
        let current = try connection.userVersion
        guard current <= latestVersion else {
            let file = connection.path.split(separator: "/").last.map(String.init) ?? connection.path
            throw StoreError(
                code: .schemaTooNew,
                message: "\(file) has schema version \(current) but this build "
                    + "knows up to \(latestVersion); upgrade cordon",
                path: connection.path
            )
        }
        for migration in migrations where migration.version > current {
            try connection.inTransaction(.immediate) { connection in
                // Another process may have migrated while this one waited for the lock.
                guard try connection.userVersion < migration.version else { return }
                try migration.migrate(connection)
                try connection.setUserVersion(migration.version)
            }
        }
    }
}
