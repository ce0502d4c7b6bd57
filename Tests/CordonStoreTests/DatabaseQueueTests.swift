import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

@Suite struct DatabaseQueueTests {
    let directory: TemporaryDirectory
    let queue: DatabaseQueue

    init() throws {
        directory = try TemporaryDirectory()
        var migrator = Migrator()
        migrator.register(version: 1, name: "events") { connection in
            try connection.execute(script: "CREATE TABLE events(thread INTEGER, n INTEGER);")
        }
        queue = try DatabaseQueue(path: directory.path("queue.db"), migrator: migrator)
    }

    /// Runs `body` on `count` threads at once and waits for all of them.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        group.wait()
    }

    @Test func concurrentWritesFromSixteenThreadsAllLand() throws {
        let queue = queue
        let failures = Counter()
        onThreads(16) { thread in
            for n in 0..<50 {
                do {
                    try queue.write { connection in
                        try connection.execute("INSERT INTO events VALUES (\(thread), \(n))")
                    }
                    _ = try queue.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") }
                } catch {
                    failures.increment()
                }
            }
        }
        #expect(failures.value == 0)
        #expect(try queue.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 800)
        #expect(try queue.read { try $0.scalar(Int.self, "SELECT count(DISTINCT thread) FROM events") } == 16)
    }

    @Test func writeRollsBackWhenTheBodyThrows() throws {
        #expect(throws: StoreError.self) {
            try queue.write { connection in
                try connection.execute("INSERT INTO events VALUES (\(1), \(1))")
                try connection.execute("INSERT INTO nowhere VALUES (\(1))")
            }
        }
        #expect(try queue.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 0)
    }

    @Test func readCannotWrite() throws {
        let error = #expect(throws: StoreError.self) {
            try queue.read { try $0.execute("INSERT INTO events VALUES (\(1), \(1))") }
        }
        #expect(error?.code == .readOnly)
        try queue.write { try $0.execute("INSERT INTO events VALUES (\(1), \(1))") }
        #expect(try queue.read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == 1)
    }

    @Test func interruptStopsARunningQuery() throws {
        let queue = queue
        let outcome = Mutex<StoreError.Code?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            do {
                _ = try queue.read { connection in
                    try connection.scalar(
                        Int.self,
                        """
                        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000000)
                        SELECT count(*) FROM c
                        """
                    )
                }
            } catch let error as StoreError {
                outcome.withLock { $0 = error.code }
            } catch {}
            finished.signal()
        }.start()
        // The query may not have started yet, and an interrupt with nothing running is
        // a no-op, so keep interrupting until it ends.
        var attempts = 0
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut, attempts < 500 {
            queue.interrupt()
            attempts += 1
        }
        #expect(outcome.withLock { $0 } == .interrupt)
    }
}
