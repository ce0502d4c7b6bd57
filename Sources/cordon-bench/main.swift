// cordon-bench: CordonStore workloads run as a separate process.
//
//   cordon-bench crash-writer <path> <wal|delete>   writes until killed (tests' kill -9 child)
//   cordon-bench crash-rekey <path>                 re-encrypts back and forth until killed
//   cordon-bench store ingest <dir> <plain|cordon|cordon-gcm> <rows>
//   cordon-bench store query <dir> <plain|cordon|cordon-gcm>
//                                                   the store benchmark's two halves; print JSON
//   cordon-bench cipher                             page AEAD throughput per algorithm; prints JSON
//   cordon-bench query-latency <data> <config> <samples> <now>
//                                                   DP answer latency per query shape; prints JSON
//   cordon-bench concurrency <data> <config> <subjects> <now> <samples> <events-a> <events-b> <events-c>
//                                                   ingest beside analyst queries, each vs alone,
//                                                   then erasure latency; prints JSON
//   cordon-bench erase <data> <config> <subjects> <samples>
//                                                   erasure latency alone (for perf); prints JSON
//   cordon-bench query-noise <epsilon> <sensitivity> <trials> <count>...
//                                                   discrete Laplace error and speed; prints JSON
//   cordon-bench utility-exact <data> <config> <now>
//                                                   exact per-group answers of the named queries
//                                                   on stdin (JSON), bounds off, no noise
//   cordon-bench utility-lawful-events <data> <config> <now> <out>
//                                                   the events Cordon counts for analytics, as
//                                                   <out>/subjects.ndjson and events.ndjson
//   cordon-bench ingest <dir> <subjects> <events> <plain|cordon> [samples]
//                                                   the write-path benchmark; prints JSON
//   cordon-bench audit append <dir> <writers> <n>   n durable appends by concurrent writers
//   cordon-bench audit generate <dir> <entries>     a log of realistic entries (+ <dir>.pub)
//   cordon-bench audit verify <dir> [runs]          AuditVerifier over it (best of runs)
//   cordon-bench audit open <dir>                   AuditLog.open, then proof generation
//
// The page key for the crash commands is read as 64 hex digits from standard input,
// never from the command line.
import CordonStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: cordon-bench crash-writer|crash-rekey|store|cipher|audit ...\n".utf8))
    exit(64)
}
do {
    switch arguments[1] {
    case "crash-writer" where arguments.count == 4:
        try CrashWorkloads.write(path: arguments[2], journalMode: arguments[3] == "delete" ? .delete : .wal)
    case "crash-rekey" where arguments.count == 3:
        try CrashWorkloads.rekey(path: arguments[2])
    case "store" where arguments.count == 6 && arguments[2] == "ingest":
        try StoreBenchmark.ingest(directory: arguments[3], variant: arguments[4], rows: Int(arguments[5]) ?? 1_000_000)
    case "store" where arguments.count == 5 && arguments[2] == "query":
        try StoreBenchmark.query(directory: arguments[3], variant: arguments[4])
    case "ingest" where arguments.count >= 6:
        try IngestBenchmark.run(
            directory: arguments[2],
            subjects: arguments[3],
            events: arguments[4],
            variant: arguments[5],
            samples: arguments.count > 6 ? Int(arguments[6]) ?? 200 : 200
        )
    case "query-latency" where arguments.count == 6:
        try QueryBenchmark.latency(
            dataDirectory: arguments[2],
            configRoot: arguments[3],
            samples: max(1, Int(arguments[4]) ?? 5),
            now: Int64(arguments[5]) ?? 0
        )
    case "concurrency" where arguments.count == 10:
        try ConcurrencyBenchmark.run(
            dataDirectory: arguments[2],
            configRoot: arguments[3],
            subjects: Int(arguments[4]) ?? 0,
            now: Int64(arguments[5]) ?? 0,
            samples: max(1, Int(arguments[6]) ?? 20),
            eventFiles: Array(arguments[7...9])
        )
    case "erase" where arguments.count == 6:
        try ConcurrencyBenchmark.erase(
            dataDirectory: arguments[2],
            configRoot: arguments[3],
            subjects: Int(arguments[4]) ?? 0,
            samples: max(1, Int(arguments[5]) ?? 200)
        )
    case "query-noise" where arguments.count >= 6:
        try QueryBenchmark.noise(
            epsilon: Double(arguments[2]) ?? 1,
            sensitivity: Double(arguments[3]) ?? 1,
            trials: Int(arguments[4]) ?? 1000,
            counts: arguments[5...].compactMap { Int64($0) }
        )
    case "utility-exact" where arguments.count == 5:
        try UtilityBenchmark.exact(
            dataDirectory: arguments[2],
            configRoot: arguments[3],
            now: Int64(arguments[4]) ?? 0
        )
    case "utility-lawful-events" where arguments.count == 6:
        try UtilityBenchmark.lawfulEvents(
            dataDirectory: arguments[2],
            configRoot: arguments[3],
            now: Int64(arguments[4]) ?? 0,
            output: arguments[5]
        )
    case "cipher":
        CipherBenchmark.run()
    case "audit" where try AuditBenchmark.run(arguments.dropFirst(2)):
        break
    default:
        FileHandle.standardError.write(Data("cordon-bench: unknown command or arguments\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("cordon-bench: \(error)\n".utf8))
    exit(1)
}
