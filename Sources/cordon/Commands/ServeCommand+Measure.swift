import CordonCore
import CordonServer
import Dispatch
import Foundation
import Synchronization

/// `cordon serve --measure-in-process N --measure-body FILE`: the benchmark's in-process
/// peer. Sends the same requests the HTTP benchmark sends straight to the API (no socket,
/// no HTTP parsing) from 32 threads, and prints requests/s and p99 as JSON, so
/// `scripts/bench/bench-http.sh` can show the HTTP overhead next to it.
enum InProcessMeasurement {
    struct Figure: Encodable {
        var requests: Int
        var requestsPerSecond: Double
        var p99Milliseconds: Double
        var errors: Int
    }

    static func run(_ configuration: ServerConfiguration, global: GlobalOptions, count: Int, body: URL) throws {
        let vault = try VaultOpener.open(global)
        let session = try VaultSession(vault: vault, configDirectory: configuration.configDirectory)
        var unlimited = configuration
        unlimited.rateLimitPerSecond = 1e9
        unlimited.rateLimitBurst = Int.max / 2
        let api = CordonAPI(configuration: unlimited, session: session)
        defer { try? api.slot.close() }
        let context = AccessContext(actor: "cordon:bench", role: "admin")
        let ingest = try session.tokens.create(
            name: "bench-ingest",
            role: .ingest,
            scope: .allRegions,
            context: context
        )
        let dpo = try session.tokens.create(name: "bench-dpo", role: .dpo, scope: .allRegions, context: context)
        defer {
            _ = try? session.tokens.revoke(id: ingest.token.id, context: context)
            _ = try? session.tokens.revoke(id: dpo.token.id, context: context)
        }
        let batch = Array(try Data(contentsOf: body))
        let ingestRequest = HTTPRequest(
            method: "POST",
            target: "/v1/events",
            headers: ["Authorization": "Bearer \(ingest.secret)", "Content-Type": "application/x-ndjson"],
            body: batch
        )
        let readRequest = HTTPRequest(
            method: "GET",
            target: "/v1/audit/checkpoint",
            headers: ["Authorization": "Bearer \(dpo.secret)"]
        )
        let figures = [
            "ingest": measure(api, ingestRequest, count: count),
            "checkpoint": measure(api, readRequest, count: count),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        Output.line(String(decoding: try encoder.encode(figures), as: UTF8.self))
    }

    /// `count` requests from 32 concurrent threads.
    private static func measure(_ api: CordonAPI, _ request: HTTPRequest, count: Int) -> Figure {
        let threads = 32
        let latencies = Mutex<[Double]>([])
        let errors = Atomic<Int>(0)
        let started = ProcessInfo.processInfo.systemUptime
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            var local: [Double] = []
            for _ in stride(from: thread, to: count, by: threads) {
                let begin = ProcessInfo.processInfo.systemUptime
                let response = api.respond(to: request)
                local.append(ProcessInfo.processInfo.systemUptime - begin)
                if response.status != 200 { errors.add(1, ordering: .relaxed) }
            }
            latencies.withLock { $0 += local }
        }
        let elapsed = ProcessInfo.processInfo.systemUptime - started
        let sorted = latencies.withLock { $0 }.sorted()
        let p99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        return Figure(
            requests: sorted.count,
            requestsPerSecond: Double(sorted.count) / elapsed,
            p99Milliseconds: p99 * 1000,
            errors: errors.load(ordering: .relaxed)
        )
    }
}
