import CordonCore
import Foundation

/// The utility benchmark's reference answers: `cordon-bench utility-exact <data> <config>
/// <now>` reads a JSON object of named queries on standard input and prints, per name, the
/// exact per-group statistics over the population Cordon counts for `analytics` (lawful
/// subjects, rows within retention), contribution bounds off and no noise
/// (``Vault/exactAnswer(_:purpose:now:)``). `scripts/bench/bench-utility.sh` scores
/// Cordon's released answers against them.
enum UtilityBenchmark {
    static func exact(dataDirectory: String, configRoot: String, now: Int64) throws {
        let input = FileHandle.standardInput.readDataToEndOfFile()
        guard let queries = try JSONSerialization.jsonObject(with: input) as? [String: String] else {
            throw BenchmarkInputError(message: "standard input must be a JSON object of name: query text")
        }
        let vault = try Vault.openForBenchmark(dataDirectory: dataDirectory, configRoot: configRoot)
        defer { try? vault.close() }
        var result: [String: Any] = [:]
        for (name, text) in queries {
            let groups = try vault.exactAnswer(text, purpose: .analytics, now: now)
            result[name] = groups.map {
                ["key": $0.key, "statistics": $0.statistics, "regions": $0.byRegion] as [String: Any]
            }
        }
        let output = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(output + Data("\n".utf8))
    }
}

extension UtilityBenchmark {
    /// Writes the population Cordon counts for `analytics` at `now` as demo-data NDJSON
    /// (`subjects.ndjson`, `events.ndjson` in `output`): one subject per lawful person,
    /// named by region and row id, with the events a query may read. The benchmark runs
    /// the peers on it as well as on the raw input, so the mechanisms are compared on the
    /// same rows; persons are pseudonymous here, but the files hold raw events and live
    /// only in the benchmark's temporary directory.
    static func lawfulEvents(dataDirectory: String, configRoot: String, now: Int64, output: String) throws {
        let vault = try Vault.openForBenchmark(dataDirectory: dataDirectory, configRoot: configRoot)
        defer { try? vault.close() }
        let directory = URL(fileURLWithPath: output)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var subjects: [String: String] = [:]
        // Streamed: at the 10M events the file is about 1.5 GB.
        let eventsURL = directory.appendingPathComponent("events.ndjson")
        guard FileManager.default.createFile(atPath: eventsURL.path, contents: nil) else {
            throw BenchmarkInputError(message: "cannot create \(eventsURL.path)")
        }
        let eventsFile = try FileHandle(forWritingTo: eventsURL)
        defer { try? eventsFile.close() }
        var events = Data()
        let format = ISO8601DateFormatter()
        func json(_ object: [String: Any]) throws -> Data {
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + Data("\n".utf8)
        }
        try vault.lawfulEvents(purpose: .analytics, now: now) { row in
            let person = "\(row.region)-\(row.sid)"
            subjects[person] = row.country
            var line: [String: Any] = [
                "externalId": person, "ts": format.string(from: Date(timeIntervalSince1970: TimeInterval(row.ts))),
                "event": row.event, "purpose": "analytics", "country": row.country,
            ]
            line["channel"] = row.channel
            line["campaign"] = row.campaign
            line["amountCents"] = row.amountCents
            events += try json(line)
            if events.count >= 1 << 20 {
                try eventsFile.write(contentsOf: events)
                events.removeAll(keepingCapacity: true)
            }
        }
        try eventsFile.write(contentsOf: events)
        var people = Data()
        for (person, country) in subjects.sorted(by: { $0.key < $1.key }) {
            people += try json(["externalId": person, "country": country])
        }
        try people.write(to: directory.appendingPathComponent("subjects.ndjson"))
        FileHandle.standardError.write(
            Data("cordon-bench: \(subjects.count) lawful persons written to \(output)\n".utf8)
        )
    }
}

/// Input the benchmark cannot use, said plainly.
struct BenchmarkInputError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension Vault {
    /// Opens a data directory the benchmarks filled, with the configuration at `configRoot`
    /// and the master key from the environment (as the CLI does).
    static func openForBenchmark(dataDirectory: String, configRoot: String) throws -> Vault {
        let url = URL(fileURLWithPath: dataDirectory)
        return try Vault.open(
            dataDirectory: url,
            configuration: try PolicyConfiguration.load(from: URL(fileURLWithPath: configRoot)),
            source: .fromEnvironment(dataDirectory: url)
        )
    }
}
