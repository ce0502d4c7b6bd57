import CordonCore
import Foundation

/// The query benchmark's Cordon side: latency of DP answers per query shape on a loaded
/// data directory, and the accuracy and speed of the exact discrete Laplace sampler at a
/// given ε (compared with OpenDP by `scripts/bench/bench-query.sh`).
enum QueryBenchmark {
    /// The shapes measured, as Cordon queries (the exact SQL twins are in query_peers.py).
    static let shapes: [(name: String, query: String)] = [
        ("group by", "SELECT channel, COUNT(*), COUNT(DISTINCT subject), SUM(amount) FROM events GROUP BY channel"),
        ("funnel", "SELECT FUNNEL('page_view', 'add_to_cart', 'purchase') WITHIN INTERVAL '7 days' FROM events"),
        (
            "attribution",
            "SELECT ATTRIBUTION(last_touch) OF 'purchase' BY channel WITHIN INTERVAL '30 days' FROM events"
        ),
        ("a/b", "SELECT AB(campaign, 'cmp-1', 'cmp-2') CONVERTS 'purchase' WITHIN INTERVAL '14 days' FROM events"),
    ]

    /// `cordon-bench query-latency <data> <config> <samples> <now>`: JSON of median latencies (ms).
    static func latency(dataDirectory: String, configRoot: String, samples: Int, now: Int64) throws {
        let vault = try Vault.openForBenchmark(dataDirectory: dataDirectory, configRoot: configRoot)
        defer { try? vault.close() }
        let context = AccessContext(actor: "bench", role: .analyst)
        var result: [String: Any] = [:]
        // Analyst names unique to this process, so a rerun on the same directory measures
        // fresh answers rather than the ledger's released ones.
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let only = ProcessInfo.processInfo.environment["QUERY_BENCH_ONLY"]
        for (index, shape) in shapes.enumerated() where only.map({ $0 == shape.name }) ?? true {
            var times: [Double] = []
            var groups = 0
            for sample in 0..<(samples + 1) {
                // A fresh analyst per run: no released answer to reuse, a full budget.
                let start = DispatchTime.now().uptimeNanoseconds
                let answer = try vault.query(
                    shape.query,
                    purpose: .analytics,
                    analyst: "bench-\(run)-\(index)-\(sample)",
                    context: context,
                    options: QueryOptions(now: now)
                )
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                if sample > 0 { times.append(elapsed) }  // the first run warms the page cache
                groups = answer.rows.count
            }
            times.sort()
            result[shape.name] = ["medianMilliseconds": times[times.count / 2], "rows": groups]
        }
        // The first query after a write to subjects or consents decides every region's
        // lawful population again (the cached decisions are keyed by each store's decisions
        // version): one new subject per region, then one GROUP BY pays that cost.
        if only == nil {
            let lines = ["DE", "US", "GB", "BR", "CN"].map { country in
                #"{"externalId":"bench-\#(run)-\#(country)","country":"\#(country)","birthYear":1985,"consents":[{"purpose":"analytics","state":"granted","source":"bench","recordedAt":"\#(Timestamp.format(Date(timeIntervalSince1970: TimeInterval(now))))"}],"signals":{"gpc":false}}"#
            }
            var options = IngestOptions()
            options.now = now
            _ = try vault.ingestSubjects(
                from: LineReader(bytes: Array(lines.joined(separator: "\n").utf8)),
                context: AccessContext.localOperator("bench"),
                options: options
            )
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try vault.query(
                shapes[0].query,
                purpose: .analytics,
                analyst: "bench-\(run)-after-write",
                context: context,
                options: QueryOptions(now: now)
            )
            result["group by after a write"] = [
                "medianMilliseconds": Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, "rows": 0,
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// `cordon-bench query-noise <epsilon> <sensitivity> <trials> <count>...`: mean absolute
    /// error and nanoseconds per sample of Cordon's discrete Laplace at that ε.
    static func noise(epsilon: Double, sensitivity: Double, trials: Int, counts: [Int64]) throws {
        let distribution = NoiseCalibration.laplace(epsilon: epsilon, l1Sensitivity: sensitivity)
        var random = SystemNoiseRandomness()
        var totalError = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<trials {
            for count in counts {
                let noisy = count + (try distribution.sample(using: &random))
                totalError += Double(abs(noisy - count))
            }
        }
        let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start)
        let draws = Double(trials * counts.count)
        let result: [String: Any] = [
            "meanAbsoluteError": totalError / draws, "nanosecondsPerSample": nanoseconds / draws,
            "scale": distribution.scale,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
