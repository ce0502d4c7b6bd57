import CordonCore
import Foundation
import Synchronization

/// The concurrency benchmark (issue 17): ingest and analyst queries against the same
/// region stores at once, each beside its figure alone, then erasure latency of single
/// subjects among all the events. Region stores read from snapshot readers beside their
/// writer (decision 0017), so the two should slow each other only by sharing the CPU.
enum ConcurrencyBenchmark {
    /// The analysts' question: the GROUP BY of `query-latency`, over every event.
    static let query = QueryBenchmark.shapes[0].query

    struct Result: Encodable {
        /// Lines per second of ingest alone, and while `analysts` queries run continuously.
        var ingestAlone: Ingest
        var ingestWithQueries: Ingest
        var analysts: Int
        /// Queries the analysts completed while that ingest ran.
        var queriesDuringIngest: Int
        /// Median and p99 latency of one GROUP BY alone, and while an ingest runs.
        var queryAlone: Latency
        var queryWithIngest: Latency
        /// Erasure of one subject among all the events.
        var erase: Latency
    }

    struct Ingest: Encodable {
        var lines: Int
        var seconds: Double
        /// The ingesting thread's wall time split three ways (the kernel's schedstat): on a
        /// CPU, runnable but waiting for one, and blocked (fsync, locks). Blocked time that
        /// stays the same beside queries means nothing the queries hold stops ingest; the
        /// rest of a slower wall time is a shared CPU.
        var threadCPUSeconds: Double
        var runQueueSeconds: Double
        var blockedSeconds: Double
        var linesPerSecond: Double
    }

    struct Latency: Encodable {
        var samples: Int
        var medianMilliseconds: Double
        var p99Milliseconds: Double
    }

    /// `cordon-bench concurrency <data> <config> <subjects> <now> <samples> <events-a> <events-b> <events-c>`:
    /// events A alone, B beside four analysts, C in the background of `samples` queries;
    /// then `samples` erasures among the `subjects` demo-data customers.
    static func run(
        dataDirectory: String,
        configRoot: String,
        subjects: Int,
        now: Int64,
        samples: Int,
        eventFiles: [String]
    ) throws {
        precondition(eventFiles.count == 3, "three event files: alone, beside queries, behind queries")
        let vault = try Vault.openForBenchmark(dataDirectory: dataDirectory, configRoot: configRoot)
        defer { try? vault.close() }
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let analystCount = 4
        _ = try ask(vault, analyst: "bench-\(run)-warm", now: now)  // the page cache and the population

        let queryAlone = try latency(
            (0..<samples).map { sample in
                try ask(vault, analyst: "bench-\(run)-alone-\(sample)", now: now)
            }
        )
        let ingestAlone = try ingest(vault, eventFiles[0], now: now)

        let stop = Atomic(false)
        let completed = Atomic(0)
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for analyst in 0..<analystCount {
            group.enter()
            Thread {
                var sample = 0
                while !stop.load(ordering: .relaxed) {
                    do {
                        _ = try ask(vault, analyst: "bench-\(run)-busy-\(analyst)-\(sample)", now: now)
                        completed.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        break
                    }
                    sample += 1
                }
                group.leave()
            }.start()
        }
        let ingestWithQueries = try ingest(vault, eventFiles[1], now: now)
        let queriesDuringIngest = completed.load(ordering: .relaxed)
        stop.store(true, ordering: .relaxed)
        group.wait()

        let ingesting = Atomic(true)
        let ingestFailure = Mutex<String?>(nil)
        group.enter()
        Thread {
            do { _ = try ingest(vault, eventFiles[2], now: now) } catch { ingestFailure.withLock { $0 = "\(error)" } }
            ingesting.store(false, ordering: .relaxed)
            group.leave()
        }.start()
        var behind: [Double] = []
        while ingesting.load(ordering: .relaxed) && behind.count < samples {
            behind.append(try ask(vault, analyst: "bench-\(run)-behind-\(behind.count)", now: now))
        }
        group.wait()
        if let failure = failures.withLock({ $0.first }) ?? ingestFailure.withLock({ $0 }) {
            throw BenchmarkFailure(message: failure)
        }

        let erase = try latency(try erasures(vault, among: subjects, count: samples))
        let result = Result(
            ingestAlone: ingestAlone,
            ingestWithQueries: ingestWithQueries,
            analysts: analystCount,
            queriesDuringIngest: queriesDuringIngest,
            queryAlone: queryAlone,
            queryWithIngest: try latency(behind),
            erase: erase
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        FileHandle.standardOutput.write(try encoder.encode(result) + Data("\n".utf8))
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// One DP answer to ``query`` for a new analyst (a full budget, no released answer);
    /// returns its latency in milliseconds.
    static func ask(_ vault: Vault, analyst: String, now: Int64) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try vault.query(
            query,
            purpose: .analytics,
            analyst: analyst,
            context: AccessContext(actor: "bench", role: .analyst),
            options: QueryOptions(now: now)
        )
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    static func ingest(_ vault: Vault, _ path: String, now: Int64) throws -> Ingest {
        var options = IngestOptions()
        options.now = now
        let before = threadSchedule()
        let start = DispatchTime.now().uptimeNanoseconds
        let summary = try vault.ingestEvents(
            from: try LineReader(path: path),
            context: AccessContext(actor: "bench", role: .ingest),
            options: options
        )
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let after = threadSchedule()
        return Ingest(
            lines: summary.lines,
            seconds: seconds,
            threadCPUSeconds: after.cpu - before.cpu,
            runQueueSeconds: after.waiting - before.waiting,
            blockedSeconds: seconds - (after.cpu - before.cpu) - (after.waiting - before.waiting),
            linesPerSecond: Double(summary.lines) / seconds
        )
    }

    /// Milliseconds per erasure of `count` random subjects, all found by their externalId
    /// first (not timed), so a profile of the erasures (`cordon-bench erase`) sees
    /// nothing else once `ready` has run.
    static func erasures(
        _ vault: Vault,
        among subjectCount: Int,
        count: Int,
        ready: () -> Void = {}
    ) throws -> [Double] {
        let context = AccessContext.localOperator("bench")
        var ids: [SubjectID] = []
        var tried = Set<Int>()
        while ids.count < count, tried.count < subjectCount {
            // demo-data numbers its customers from c-1001
            let number = 1001 + Int.random(in: 0..<subjectCount)
            guard tried.insert(number).inserted,
                let id = try vault.lookup(.externalID("c-\(number)"), context: context).first?.subjectId
            else { continue }
            ids.append(id)
        }
        ready()
        return try ids.map { id in
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try vault.erase(id, context: context)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
    }

    /// `cordon-bench erase <data> <config> <subjects> <samples>`: erasure latency alone, for
    /// a profiler. Writes `erasing <pid>` to standard error once the subjects are found, then
    /// waits `CORDON_BENCH_ERASE_DELAY` seconds (default 0) so a profiler can attach.
    static func erase(dataDirectory: String, configRoot: String, subjects: Int, samples: Int) throws {
        let vault = try Vault.openForBenchmark(dataDirectory: dataDirectory, configRoot: configRoot)
        defer { try? vault.close() }
        let delay = Double(ProcessInfo.processInfo.environment["CORDON_BENCH_ERASE_DELAY"] ?? "") ?? 0
        let times = try erasures(vault, among: subjects, count: samples) {
            FileHandle.standardError.write(Data("erasing \(getpid())\n".utf8))
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        FileHandle.standardOutput.write(try encoder.encode(try latency(times)) + Data("\n".utf8))
    }

    static func latency(_ milliseconds: [Double]) throws -> Latency {
        guard !milliseconds.isEmpty else { throw BenchmarkFailure(message: "no sample was taken") }
        let sorted = milliseconds.sorted()
        return Latency(
            samples: sorted.count,
            medianMilliseconds: sorted[sorted.count / 2],
            p99Milliseconds: sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        )
    }

    /// Seconds the calling thread has spent on a CPU and runnable waiting for one
    /// (`/proc/thread-self/schedstat`: "time spent on the cpu", "time spent waiting on a
    /// runqueue", in nanoseconds); zeros where the kernel does not provide it.
    static func threadSchedule() -> (cpu: Double, waiting: Double) {
        guard let text = try? String(contentsOfFile: "/proc/thread-self/schedstat", encoding: .utf8) else {
            return (0, 0)
        }
        let fields = text.split(separator: " ").compactMap {
            Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard fields.count >= 2 else { return (0, 0) }
        return (fields[0] / 1e9, fields[1] / 1e9)
    }
}
