import CordonCore
import CordonStore
import Foundation

/// The write-path benchmark: the same NDJSON through Cordon (policy checks, blind
/// indexes, sealed PII, encrypted pages, audited batches) and through plain SQLite on the
/// same schema and batch size (JSON parsed with Foundation, rows inserted as they are).
/// Then erasure and export latency for single subjects among all of them.
enum IngestBenchmark {
    struct Result: Encodable {
        var variant: String
        var subjectLines: Int
        var eventLines: Int
        var eventsAccepted: Int
        var subjectSeconds: Double
        var eventSeconds: Double
        /// CPU time (user + system) of the process during each phase: on a shared machine
        /// wall time also counts other programs' turns, CPU time does not.
        var subjectCPUSeconds: Double
        var eventCPUSeconds: Double
        var eventsPerSecond: Double
        var exportP50Milliseconds: Double?
        var exportP99Milliseconds: Double?
        var eraseP50Milliseconds: Double?
        var eraseP99Milliseconds: Double?
    }

    static func run(directory: String, subjects: String, events: String, variant: String, samples: Int) throws {
        let result =
            variant == "plain"
            ? try plain(directory: directory, subjects: subjects, events: events)
            : try cordon(directory: directory, subjects: subjects, events: events, samples: samples)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        FileHandle.standardOutput.write(try encoder.encode(result) + Data("\n".utf8))
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Wall and CPU (user + system) seconds of `body`.
    static func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        let cpuStart = cpuSeconds()
        let wall = try seconds(body)
        return (wall, cpuSeconds() - cpuStart)
    }

    /// The process's user + system CPU time so far (getrusage).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func cordon(directory: String, subjects: String, events: String, samples: Int) throws -> Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let configuration = try PolicyConfiguration.load(from: root)
        let data = URL(fileURLWithPath: directory).appendingPathComponent("cordon-data")
        let source = MasterKeySource.keyFile(data.appendingPathComponent("master.key"))
        _ = try DataDirectory.initialize(at: data, regions: configuration.regions.keys.map(\.rawValue), source: source)
        let vault = try Vault.open(dataDirectory: data, configuration: configuration, source: source)
        let context = AccessContext(actor: "bench", role: .ingest)
        var subjectSummary = IngestSummary(kind: "subjects")
        var eventSummary = IngestSummary(kind: "events")
        let subjectTime = try timed {
            subjectSummary = try vault.ingestSubjects(from: try LineReader(path: subjects), context: context)
        }
        let eventTime = try timed {
            eventSummary = try vault.ingestEvents(from: try LineReader(path: events), context: context)
        }

        // DSR latency: random accepted subjects, found by externalId first (not timed).
        var ids: [SubjectID] = []
        var generator = SystemRandomNumberGenerator()
        while ids.count < samples {
            // demo-data numbers its customers from c-1001
            let externalID = "c-\(1000 + Int.random(in: 1...subjectSummary.lines, using: &generator))"
            if let id = try vault.lookup(.externalID(externalID), context: context).first?.subjectId, !ids.contains(id)
            {
                ids.append(id)
            }
        }
        var exports: [Double] = []
        var erasures: [Double] = []
        for id in ids {
            exports.append(try seconds { _ = try vault.export(id, context: context) } * 1000)
            erasures.append(try seconds { _ = try vault.erase(id, context: context) } * 1000)
        }
        try vault.close()
        return Result(
            variant: "cordon",
            subjectLines: subjectSummary.lines,
            eventLines: eventSummary.lines,
            eventsAccepted: eventSummary.accepted,
            subjectSeconds: subjectTime.wall,
            eventSeconds: eventTime.wall,
            subjectCPUSeconds: subjectTime.cpu,
            eventCPUSeconds: eventTime.cpu,
            eventsPerSecond: Double(eventSummary.lines) / eventTime.wall,
            exportP50Milliseconds: percentile(exports, 0.5),
            exportP99Milliseconds: percentile(exports, 0.99),
            eraseP50Milliseconds: percentile(erasures, 0.5),
            eraseP99Milliseconds: percentile(erasures, 0.99)
        )
    }

    /// Plain SQLite: the region schema's shape in one file, externalId and PII in clear, no
    /// policy, no encryption, no audit. Lines are validated by the same parser as Cordon's
    /// ingest (`SubjectLine`, `EventLine`), so the difference is what Cordon adds: lawful-basis
    /// checks, blind indexes, sealed PII, encrypted pages and audited batches.
    static func plain(directory: String, subjects: String, events: String) throws -> Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let policies = try PolicyConfiguration.load(from: root)
        var configuration = Configuration()
        configuration.cacheSizeKiB = 64 * 1024
        let db = try Connection(path: directory + "/plain.db", configuration: configuration)
        try db.execute(
            script: """
                CREATE TABLE subjects(sid INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, country TEXT NOT NULL,
                    birth_year INTEGER, pii TEXT NOT NULL) STRICT;
                CREATE TABLE consents(id INTEGER PRIMARY KEY, sid INTEGER NOT NULL REFERENCES subjects(sid), purpose TEXT NOT NULL,
                    state TEXT NOT NULL, source TEXT NOT NULL, recorded_at INTEGER NOT NULL) STRICT;
                CREATE TABLE events(id INTEGER PRIMARY KEY, sid INTEGER NOT NULL REFERENCES subjects(sid), ts INTEGER NOT NULL,
                    event TEXT NOT NULL, channel TEXT, campaign TEXT, device TEXT, country TEXT NOT NULL, amount_cents INTEGER,
                    purpose TEXT NOT NULL) STRICT;
                CREATE INDEX events_by_subject ON events(sid, ts);
                CREATE INDEX events_by_time ON events(ts);
                """
        )
        let encoder = JSONEncoder()
        var subjectLines = 0
        let subjectTime = try timed {
            try batches(path: subjects, db: db) { bytes in
                subjectLines += 1
                guard let line = try? SubjectLine.parse(bytes, configuration: policies) else { return }
                let pii = String(decoding: try encoder.encode(line.pii), as: UTF8.self)
                try db.execute(
                    """
                    INSERT OR REPLACE INTO subjects(external_id, country, birth_year, pii)
                    VALUES (\(line.externalID), \(line.country.rawValue), \(line.birthYear), \(pii))
                    """
                )
                let sid = db.lastInsertRowID
                for consent in line.consents {
                    try db.execute(
                        """
                        INSERT INTO consents(sid, purpose, state, source, recorded_at) VALUES (\(sid),
                            \(consent.purpose.rawValue), \(consent.state.rawValue), \(consent.source), \(consent.recordedAt))
                        """
                    )
                }
            }
        }
        var eventLines = 0
        var accepted = 0
        let eventTime = try timed {
            try batches(path: events, db: db) { bytes in
                eventLines += 1
                guard let line = try? EventLine.parse(bytes, catalog: policies.catalog),
                    let row = try db.query("SELECT sid, country FROM subjects WHERE external_id = \(line.externalID)")
                        .first
                else { return }
                try db.execute(
                    """
                    INSERT INTO events(sid, ts, event, channel, campaign, device, country, amount_cents, purpose)
                    VALUES (\(try row.get(Int64.self, at: 0)), \(line.timestamp), \(line.event), \(line.channel), \(line.campaign),
                        \(line.device), \(try row.get(String.self, at: 1)), \(line.amountCents), \(line.purpose.rawValue))
                    """
                )
                accepted += 1
            }
        }
        return Result(
            variant: "plain",
            subjectLines: subjectLines,
            eventLines: eventLines,
            eventsAccepted: accepted,
            subjectSeconds: subjectTime.wall,
            eventSeconds: eventTime.wall,
            subjectCPUSeconds: subjectTime.cpu,
            eventCPUSeconds: eventTime.cpu,
            eventsPerSecond: Double(eventLines) / eventTime.wall
        )
    }

    /// Reads NDJSON in transactions of 1000 lines (the ingest default).
    static func batches(path: String, db: Connection, _ body: ([UInt8]) throws -> Void) throws {
        let reader = try LineReader(path: path)
        var done = false
        while !done {
            try db.inTransaction { db in
                for _ in 0..<1000 {
                    guard let line = try reader.next() else {
                        done = true
                        return
                    }
                    try body(line.bytes)
                }
            }
        }
    }
}
