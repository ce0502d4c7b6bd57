import CordonStore
import CordonTestSupport
import Foundation

/// A page key for tests: 32 bytes derived from a seed, so runs are repeatable.
struct TestPageKey: PageKeyMaterial {
    let bytes: [UInt8]

    init(seed: UInt8) {
        bytes = (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 31 &+ Int(seed) &* 7 &+ 1) }
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }
}

extension PageEncryption {
    static let testA = PageEncryption(key: TestPageKey(seed: 1))
    static let testB = PageEncryption(key: TestPageKey(seed: 2))
}

/// Configurations and a realistic schema for the encrypted-store suites.
enum EncryptedStore {
    static func configuration(
        _ encryption: PageEncryption? = .testA,
        journalMode: Configuration.JournalMode = .wal
    ) -> Configuration {
        var configuration = Configuration()
        configuration.encryption = encryption
        configuration.journalMode = journalMode
        return configuration
    }

    static let schema: StaticString = """
        CREATE TABLE events(
            id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL, ts TEXT NOT NULL,
            event TEXT NOT NULL, channel TEXT NOT NULL, campaign TEXT NOT NULL,
            country TEXT NOT NULL, email TEXT NOT NULL, amount_cents INTEGER NOT NULL);
        CREATE INDEX events_subject ON events(subject_id);
        CREATE INDEX events_ts ON events(ts);
        """

    static let events = ["view", "cart", "purchase", "click", "open"]

    /// Inserts `count` events with ids starting at `firstID`.
    static func insertEvents(_ connection: Connection, count: Int, firstID: Int = 1) throws {
        try connection.inTransaction { connection in
            for id in firstID..<(firstID + count) {
                let event = events[id % events.count]
                try connection.execute(
                    """
                    INSERT INTO events(id, subject_id, ts, event, channel, campaign, country, email, amount_cents)
                    VALUES (\(id), \(id % 97), \("2025-01-\(10 + id % 20)T10:00:00Z"), \(event),
                            \("email"), \("cmp-2025-spring-\(id % 7)"), \("DE"),
                            \("jane.doe+\(id % 97)@example.com"), \(id * 13 % 5000))
                    """
                )
            }
        }
    }

    /// A summary of the whole table that changes with any row.
    static func fingerprint(_ connection: Connection) throws -> String {
        let row = try connection.firstRow(
            """
            SELECT count(*), total(amount_cents), group_concat(id || event || email || campaign, ',')
            FROM (SELECT * FROM events ORDER BY id)
            """
        )
        return
            "\(try row.get(Int.self, at: 0)) \(try row.get(Double.self, at: 1)) \(try row.get(String.self, at: 2).hashValue)"
    }

    /// Reads every page SQLite uses: both indexes, the table, the schema.
    static func readEverything(_ connection: Connection) throws -> String {
        let check = try connection.scalar(String.self, "PRAGMA integrity_check")
        return try "\(check ?? "") \(fingerprint(connection))"
    }
}
