import CordonStore
import Testing

@Suite struct TransactionTests {
    struct Failure: Error, Equatable {
        let step: String
    }

    let connection: Connection

    init() throws {
        connection = try Connection(path: ":memory:")
        try connection.execute("CREATE TABLE t(v INTEGER UNIQUE)")
    }

    private func values() throws -> [Int] {
        try connection.query("SELECT v FROM t ORDER BY v").map { try $0.get(Int.self, at: 0) }
    }

    @Test func commitsWhenTheBodyReturns() throws {
        let result = try connection.inTransaction { connection in
            try connection.execute("INSERT INTO t VALUES (\(1))")
            return "done"
        }
        #expect(result == "done")
        #expect(try values() == [1])
        #expect(!connection.isInTransaction)
    }

    @Test(arguments: [TransactionKind.deferred, .immediate, .exclusive])
    func rollsBackAndRethrowsTheBodyError(_ kind: TransactionKind) throws {
        #expect(throws: Failure(step: "body")) {
            try connection.inTransaction(kind) { connection in
                try connection.execute("INSERT INTO t VALUES (\(1))")
                throw Failure(step: "body")
            }
        }
        #expect(try values() == [])
        #expect(!connection.isInTransaction)
    }

    @Test func rethrowsTheFirstErrorWhenSQLiteAlreadyRolledBack() throws {
        // The body's error ends the transaction itself (ROLLBACK inside the body), so the
        // rollback that follows has nothing to undo; the body's error still comes out.
        #expect(throws: Failure(step: "first")) {
            try connection.inTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (\(1))")
                try connection.execute("ROLLBACK")
                throw Failure(step: "first")
            }
        }
        #expect(try values() == [])
    }

    @Test func sqliteErrorInsideRollsBackEverything() throws {
        let error = #expect(throws: StoreError.self) {
            try connection.inTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (\(1))")
                try connection.execute("INSERT INTO t VALUES (\(1))")
            }
        }
        #expect(error?.code == .constraint)
        #expect(try values() == [])
    }

    @Test func failedSavepointKeepsTheOuterTransaction() throws {
        try connection.inTransaction { connection in
            try connection.execute("INSERT INTO t VALUES (\(1))")
            #expect(throws: Failure(step: "inner")) {
                try connection.inTransaction { connection in
                    try connection.execute("INSERT INTO t VALUES (\(2))")
                    throw Failure(step: "inner")
                }
            }
            try connection.inTransaction { connection in
                try connection.execute("INSERT INTO t VALUES (\(3))")
            }
            #expect(connection.isInTransaction)
        }
        #expect(try values() == [1, 3])
    }

    @Test func outerRollbackUndoesReleasedSavepoints() throws {
        #expect(throws: Failure(step: "outer")) {
            try connection.inTransaction { connection in
                try connection.inTransaction { connection in
                    try connection.execute("INSERT INTO t VALUES (\(1))")
                }
                throw Failure(step: "outer")
            }
        }
        #expect(try values() == [])
    }
}
