/// A thread-safe database that can be written: ``DatabaseQueue`` (one connection) or
/// ``DatabasePool`` (one writer beside read-only snapshot readers).
///
/// Code that only needs "a transaction on this store" takes `some DatabaseWriter`, so the
/// same audited write path serves `control.db` (a queue) and a region store (a pool).
public protocol DatabaseWriter: Sendable {
    /// The database file.
    var path: String { get }

    /// Runs `body` in an immediate transaction: committed when it returns, rolled back
    /// when it throws.
    func write<T: Sendable>(_ body: (Connection) throws -> T) throws -> T

    /// ``write(_:)`` that runs `onCommitFailure` after the rollback when the COMMIT itself
    /// fails; see ``Connection/inTransaction(_:_:onCommitFailure:)``.
    func write<T: Sendable>(
        _ body: (Connection) throws -> T,
        onCommitFailure: (StoreError) throws -> Void
    ) throws -> T

    /// Runs `body` where it cannot change the database.
    func read<T: Sendable>(_ body: (Connection) throws -> T) throws -> T
}

extension DatabaseQueue: DatabaseWriter {}
