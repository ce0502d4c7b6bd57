import CordonCore
import CordonServer
import Dispatch
import Foundation
import Synchronization

/// `cordon serve --measure-in-process N --measure-body FILE`: the benchmark's in-process
/// peer. Sends the requests the HTTP benchmark sends straight to the API (no socket, no
/// HTTP parsing) from 32 threads, one request family at a time, and prints requests/s, p50
/// and p99 per family as JSON, so `scripts/bench/bench-http.sh` can show the HTTP overhead
/// next to it. The families: event ingest (FILE, NDJSON), an analyst's aggregate query
/// (answered from the cache after the first run, so no budget runs out), a subject read
/// (personal data), the audit checkpoint and an audit search, and the liveness probe.
enum InProcessMeasurement {
    struct Figure: Encodable {
        var requests: Int
        var requestsPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var errors: Int
    }

    /// The analyst query the benchmark repeats (`bench-http.sh` sends the same body).
    static let queryBody =
        #"{"sql":"SELECT channel, COUNT(DISTINCT subject) AS visitors FROM events GROUP BY channel","purpose":"analytics"}"#

    static func run(_ configuration: ServerConfiguration, global: GlobalOptions, count: Int, body: URL) throws {
        let vault = try VaultOpener.open(global)
        let session = try VaultSession(vault: vault, configDirectory: configuration.configDirectory)
        var unlimited = configuration
        unlimited.rateLimitPerSecond = 1e9
        unlimited.rateLimitBurst = Int.max / 2
        let api = CordonAPI(configuration: unlimited, session: session)
        defer { try? api.slot.close() }
        let context = AccessContext(actor: "cordon:bench", role: .admin)
        let ingest = try session.tokens.create(
            name: "bench-ingest",
            role: .ingest,
            scope: .allRegions,
            context: context
        )
        let dpo = try session.tokens.create(name: "bench-dpo", role: .dpo, scope: .allRegions, context: context)
        let analyst = try session.tokens.create(
            name: "bench-analyst",
            role: .analyst,
            scope: .allRegions,
            purposes: [Purpose(rawValue: "analytics")],
            context: context
        )
        defer {
            for token in [ingest, dpo, analyst] { _ = try? session.tokens.revoke(id: token.token.id, context: context) }
        }
        let batch = Array(try Data(contentsOf: body))
        func request(
            _ method: String,
            _ target: String,
            _ secret: String,
            body: [UInt8] = [],
            type: String? = nil
        )
            -> HTTPRequest
        {
            var headers = ["Authorization": "Bearer \(secret)"]
            if let type { headers["Content-Type"] = type }
            return HTTPRequest(method: method, target: target, headers: headers, body: body)
        }
        // The subject of the batch's first line, as the HTTP run reads it.
        let firstLine = batch.split(separator: 0x0A).first.map { Array($0) } ?? []
        let externalID = (try? JSONSerialization.jsonObject(with: Data(firstLine)) as? [String: Any])?["externalId"]
        let lookup = api.respond(
            to: request("GET", "/v1/subjects/lookup?externalId=\(externalID as? String ?? "none")", dpo.secret)
        )
        let subjects = (try? JSONSerialization.jsonObject(with: Data(lookup.body)) as? [String: Any])?["subjects"]
        let subjectID = ((subjects as? [[String: Any]])?.first?["subjectId"] as? String) ?? "none"
        let requests: [(String, HTTPRequest)] = [
            ("ingest", request("POST", "/v1/events", ingest.secret, body: batch, type: "application/x-ndjson")),
            (
                "query",
                request("POST", "/v1/query", analyst.secret, body: Array(queryBody.utf8), type: "application/json")
            ),
            ("subject", request("GET", "/v1/subjects/\(subjectID)", dpo.secret)),
            ("checkpoint", request("GET", "/v1/audit/checkpoint", dpo.secret)),
            ("entries", request("GET", "/v1/audit/entries?limit=20", dpo.secret)),
            ("healthz", HTTPRequest(method: "GET", target: "/healthz")),
        ]
        var figures: [String: Figure] = [:]
        for (name, request) in requests { figures[name] = measure(api, request, count: count) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        Output.line(String(decoding: try encoder.encode(figures), as: UTF8.self))
    }

    /// `count` requests from 32 threads (real threads: `concurrentPerform` would run only
    /// as many at once as there are cores, and a handler mostly waits on an fsync).
    private static func measure(_ api: CordonAPI, _ request: HTTPRequest, count: Int) -> Figure {
        let threads = 32
        let latencies = Mutex<[Double]>([])
        let errors = Atomic<Int>(0)
        let group = DispatchGroup()
        let started = ProcessInfo.processInfo.systemUptime
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                var local: [Double] = []
                for _ in stride(from: thread, to: count, by: threads) {
                    let begin = ProcessInfo.processInfo.systemUptime
                    let response = api.respond(to: request)
                    local.append(ProcessInfo.processInfo.systemUptime - begin)
                    if response.status != 200 { errors.add(1, ordering: .relaxed) }
                }
                latencies.withLock { $0 += local }
                group.leave()
            }
        }
        group.wait()
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        let sorted = latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
        }
        return Figure(
            requests: sorted.count,
            requestsPerSecond: Double(sorted.count) / elapsed,
            p50Milliseconds: percentile(0.5),
            p99Milliseconds: percentile(0.99),
            errors: errors.load(ordering: .relaxed)
        )
    }
}
