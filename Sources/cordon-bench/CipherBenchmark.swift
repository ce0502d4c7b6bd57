import CordonStore
import Foundation

/// Page AEAD throughput, per algorithm: writes a store of ~25k pages, then times the
/// verifier, which authenticates every 4 KiB page with plain reads and no SQLite work in
/// between, so the figure is the cipher's (plus a pread per page).
enum CipherBenchmark {
    static func run() {
        for algorithm in PageEncryption.Algorithm.allCases where algorithm.isAvailable {
            run(algorithm)
        }
    }

    static func run(_ algorithm: PageEncryption.Algorithm) {
        do {
            let directory = NSTemporaryDirectory() + "cordon-cipher-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/cipher.db"
            var configuration = Configuration()
            configuration.encryption = PageEncryption(
                key: BenchPageKey(hex: String(repeating: "a5", count: 32)), algorithm: algorithm)
            configuration.synchronous = .normal
            let connection = try Connection(path: path, configuration: configuration)
            try connection.execute(script: "CREATE TABLE pages(body BLOB);")
            let pages = 25_000
            try connection.inTransaction { connection in
                for _ in 0..<pages / 2 {
                    try connection.execute("INSERT INTO pages VALUES (randomblob(8000))")
                }
            }
            try connection.checkpoint(.truncate)
            let encryption = configuration.encryption!
            var report: StoreVerifier.Report?
            let seconds = try StoreBenchmark.seconds { report = try StoreVerifier.verify(path: path, encryption: encryption) }
            let bytes = Double((report?.pageCount ?? 0) * 4096)
            emit(
                "{\"algorithm\": \"\(algorithm.rawValue)\", \"open_pages_per_s\": \(Double(report?.pageCount ?? 0) / seconds), "
                    + "\"open_mb_per_s\": \(bytes / seconds / 1e6)}")
        } catch {
            emit("{\"error\": \"\(error)\"}")
        }
    }
}
