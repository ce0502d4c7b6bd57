internal import CSQLite

/// How a transaction takes its lock; see <https://sqlite.org/lang_transaction.html>.
public enum TransactionKind: Sendable {
    /// Takes a lock at the first read or write; a read that later writes may fail with
    /// ``StoreError/Code/busy`` without waiting.
    case deferred
    /// Takes the write lock at once, waiting up to the busy timeout: the right kind for
    /// any transaction that writes.
    case immediate
    /// Like immediate; in WAL mode the two are the same.
    case exclusive
}

extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws
    /// and rethrows that first error, even when the rollback fails too.
    ///
    /// A call inside another transaction becomes a savepoint (and `kind` is ignored),
    /// so an inner failure undoes only the inner work and the outer transaction can
    /// still commit.
    ///
    /// ```swift
    /// try connection.inTransaction { connection in
    ///     try connection.execute("DELETE FROM subject_keys WHERE subject_id = \(id)")
    ///     try connection.execute("DELETE FROM subjects WHERE id = \(id)")
    /// }
    /// ```
    public func inTransaction<T>(
        _ kind: TransactionKind = .immediate,
        _ body: (Connection) throws -> T
    ) throws -> T {
        try inTransaction(kind, body, onCommitFailure: { _ in })
    }

    /// ``inTransaction(_:_:)`` that tells a failed COMMIT apart from a failed body:
    /// `onCommitFailure` runs once the transaction has been rolled back after its COMMIT
    /// failed (disk full, I/O error), before the COMMIT's error is rethrown — so a caller
    /// that already made the change's audit entry durable can record that it did not happen.
    ///
    /// "If certain kinds of errors occur within a transaction, the transaction may or may
    /// not be rolled back automatically. The errors that can cause an automatic rollback
    /// include: SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY, SQLITE_NOMEM ... it is recommended
    /// that applications respond to the errors listed above by explicitly issuing a ROLLBACK
    /// command" (<https://sqlite.org/lang_transaction.html>): the rollback below is that
    /// ROLLBACK, issued only while a transaction is still open.
    public func inTransaction<T>(
        _ kind: TransactionKind = .immediate,
        _ body: (Connection) throws -> T,
        onCommitFailure: (StoreError) throws -> Void
    ) throws -> T {
        // "The sqlite3_get_autocommit() interface returns non-zero or zero if the given
        // database connection is or is not in autocommit mode, respectively"
        // (<https://sqlite.org/c3ref/get_autocommit.html>): zero means a transaction is open.
        let isNested = sqlite3_get_autocommit(handle) == 0
        if isNested {
            // One name serves every depth: "If multiple savepoints have the same name,
            // then only the most recent one is released" or rolled back to.
            try execute("SAVEPOINT cordon")
        } else {
            switch kind {
            case .deferred: try execute("BEGIN DEFERRED TRANSACTION")
            case .immediate: try execute("BEGIN IMMEDIATE TRANSACTION")
            case .exclusive: try execute("BEGIN EXCLUSIVE TRANSACTION")
            }
        }

        let result: T
        do {
            result = try body(self)
        } catch {
            rollBack(isNested: isNested)
            throw error
        }
        do {
            try execute(isNested ? "RELEASE SAVEPOINT cordon" : "COMMIT TRANSACTION")
        } catch {
            rollBack(isNested: isNested)
            if let error = error as? StoreError { try onCommitFailure(error) }
            throw error
        }
        return result
    }

    /// Undoes the innermost transaction or savepoint, ignoring failures: the caller is
    /// already throwing the error that matters, and some errors (disk full, I/O) make
    /// SQLite roll the transaction back by itself, after which a ROLLBACK fails.
    private func rollBack(isNested: Bool) {
        if isNested {
            // ROLLBACK TO keeps the savepoint open; RELEASE removes it.
            _ = try? execute("ROLLBACK TRANSACTION TO SAVEPOINT cordon")
            _ = try? execute("RELEASE SAVEPOINT cordon")
        } else if sqlite3_get_autocommit(handle) == 0 {
            _ = try? execute("ROLLBACK TRANSACTION")
        }
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
