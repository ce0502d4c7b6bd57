import CordonStore
import Foundation

/// The store benchmark for one variant (`plain` SQLite or `cordon`, the encrypting VFS):
/// the same deterministic events, batch size, pragmas and queries as
/// `scripts/bench/sqlcipher_bench.py`, so the figures can be set side by side.
enum StoreBenchmark {
    static let batchSize = 10_000
    static let events = ["view", "cart", "purchase", "click", "open"]
    static let channels = ["email", "search", "social", "display", "affiliate", "direct"]
    static let countries = ["DE", "FR", "IT", "ES", "NL", "PL", "SE", "AT", "BE", "PT", "IE", "FI"]
    static let devices = ["mobile", "desktop", "tablet"]

    static let schema: StaticString = """
        CREATE TABLE events(
            id INTEGER PRIMARY KEY, subject_id INTEGER NOT NULL, ts INTEGER NOT NULL,
            event TEXT NOT NULL, channel TEXT NOT NULL, campaign TEXT NOT NULL,
            country TEXT NOT NULL, device TEXT NOT NULL, amount_cents INTEGER NOT NULL);
        CREATE INDEX events_subject ON events(subject_id);
        CREATE INDEX events_ts ON events(ts);
        """

    static let groupBy: SQL = """
        SELECT country, channel, event, count(*), sum(amount_cents)
        FROM events GROUP BY country, channel, event
        """

    /// Row `i` of the data set; the Python script computes the same values.
    static func row(_ i: Int) -> [DatabaseValue] {
        let event = events[(i * 7 + i / 13) % 5]
        return [
            .integer(Int64(i + 1)),
            .integer(Int64((i * 2_654_435_761) % 200_000)),
            .integer(Int64(1_735_689_600 + i * 31)),
            .text(event),
            .text(channels[(i * 11) % 6]),
            .text("cmp-" + String(repeating: "0", count: 4 - String((i * 13) % 500).count) + String((i * 13) % 500)),
            .text(countries[(i * 17 + i / 7) % 12]),
            .text(devices[i % 3]),
            .integer(event == "purchase" ? Int64((i * 7919) % 20_000) : 0),
        ]
    }

    static func configuration(_ variant: String) throws -> Configuration {
        var configuration = Configuration()
        // Same durability for every variant: WAL, synchronous=NORMAL (a bulk load), and the
        // 64 MiB page cache region stores run with (every variant gets the same cache).
        configuration.synchronous = .normal
        configuration.cacheSizeKiB = 64 * 1024
        // Sorts spill to temporary files, as in region stores (sealed by the page cipher;
        // plain SQLite runs with the same settings). SQLCipher runs with temp_store=MEMORY,
        // which its design requires: it does not encrypt such transient files.
        configuration.tempStoreMemory = false
        switch variant {
        case "plain": break
        case "cordon":
            configuration.encryption = PageEncryption(key: BenchPageKey(hex: String(repeating: "5a", count: 32)))
        case "cordon-gcm":
            configuration.encryption = PageEncryption(
                key: BenchPageKey(hex: String(repeating: "5a", count: 32)),
                algorithm: .aes256GCM
            )
        default: throw StoreError(code: .error, message: "unknown variant \(variant)")
        }
        return configuration
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Loads `rows` events into a new store `<directory>/<variant>.db` and prints the time.
    static func ingest(directory: String, variant: String, rows: Int) throws {
        let path = directory + "/\(variant).db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let configuration = try configuration(variant)

        var ingest = 0.0
        var sealed: UInt64 = 0
        do {
            let connection = try Connection(path: path, configuration: configuration)
            try connection.execute(script: schema)
            // Nine placeholders, rebound for every row.
            let placeholder = DatabaseValue.null
            let insert = try connection.makeStatement(
                """
                INSERT INTO events VALUES (\(placeholder), \(placeholder), \(placeholder), \(placeholder),
                    \(placeholder), \(placeholder), \(placeholder), \(placeholder), \(placeholder))
                """
            )
            ingest = try seconds {
                for start in stride(from: 0, to: rows, by: batchSize) {
                    try connection.inTransaction { _ in
                        for i in start..<min(start + batchSize, rows) {
                            try insert.bind(row(i))
                            _ = try insert.step()
                            insert.reset()
                        }
                    }
                }
                try connection.checkpoint(.truncate)
            }
            sealed = connection.pageCipherActivity?.pagesSealed ?? 0
        }
        // Pages sealed includes the schema's few; the report multiplies them by the bare
        // cipher's time per page to show the least the encryption could have cost.
        emit("{\"variant\": \"\(variant)\", \"rows\": \(rows), \"ingest_s\": \(ingest), \"pages_sealed\": \(sealed)}")
    }

    /// GROUP BY samples per query process: a shared 2-core machine moves a single timing
    /// by ±10%, more than the differences the benchmark is after.
    static let groupBySamples = 5

    /// Queries the store `ingest` left, in a process of its own, so every variant's query
    /// starts from a fresh heap rather than from whatever its ingest left behind (the
    /// GROUP BY sorter makes a million small allocations, and their cost depends on it).
    static func query(directory: String, variant: String) throws {
        let path = directory + "/\(variant).db"
        let configuration = try configuration(variant)
        // Cold: a new connection with an empty page cache (the OS cache stays warm, so
        // this measures decryption and parsing, not the disk). Warm: the same query again
        // on that connection. Each timing ends with the statement reset, which frees the
        // sorter's memory. Reported: the median of `groupBySamples` of each.
        var groups = 0
        var colds: [Double] = []
        var warms: [Double] = []
        var opened: UInt64 = 0  // by one cold GROUP BY
        for _ in 0..<groupBySamples {
            let connection = try Connection(path: path, configuration: configuration)
            try connection.execute("PRAGMA cache_size = -400000")  // the whole store fits
            let before = connection.pageCipherActivity?.pagesOpened ?? 0
            colds.append(try seconds { groups = try connection.query(groupBy).count })
            opened = (connection.pageCipherActivity?.pagesOpened ?? 0) - before
            warms.append(try seconds { _ = try connection.query(groupBy) })
        }
        let cold = median(colds)
        let warm = median(warms)
        // Point lookups on a new connection: the first pass reads every page it needs
        // through the VFS (cold), the second finds them in the page cache (warm).
        let connection = try Connection(path: path, configuration: configuration)
        try connection.execute("PRAGMA cache_size = -400000")
        let lookups = 2000
        let passes = try (0..<2).map { _ in
            try seconds {
                for n in 0..<lookups {
                    let subject = (n * 7_919) % 200_000
                    _ = try connection.query(
                        "SELECT count(*), sum(amount_cents) FROM events WHERE subject_id = \(subject)"
                    )
                }
            }
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        emit(
            """
            {"variant": "\(variant)", "groupby_cold_s": \(cold), \
            "groupby_warm_s": \(warm), "groups": \(groups), "point_lookup_cold_us": \(passes[0] / Double(lookups) * 1e6), \
            "point_lookup_warm_us": \(passes[1] / Double(lookups) * 1e6), \
            "file_bytes": \(size), "groupby_samples": \(groupBySamples), \
            "groupby_cold_pages_opened": \(opened)}
            """
        )
    }
}

/// The middle value (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Writes a line to standard output at once (the crash tests' parent reads it live).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
