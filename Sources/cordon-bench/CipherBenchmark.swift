import CordonStore
import Foundation

/// Page AEAD throughput, per algorithm, two ways: the VFS's own seal and open of one
/// 4 KiB page in memory (the cipher's limit: a load's pages sealed or opened times these
/// is the least its encryption can cost), and the verifier over a store of ~25k pages,
/// which adds a pread per page and nothing of SQLite's.
enum CipherBenchmark {
    static func run() {
        for algorithm in PageEncryption.Algorithm.allCases where algorithm.isAvailable {
            bare(algorithm)
            run(algorithm)
        }
    }

    /// Prints the VFS's time per page for a seal and an open, with no I/O.
    static func bare(_ algorithm: PageEncryption.Algorithm) {
        let encryption = PageEncryption(
            key: BenchPageKey(hex: String(repeating: "a5", count: 32)),
            algorithm: algorithm
        )
        do {
            let perPage = try secondsPerPage(encryption)
            emit(
                "{\"algorithm\": \"\(algorithm.rawValue)\", \"bare_seal_us_per_page\": \(perPage.seal * 1e6), "
                    + "\"bare_open_us_per_page\": \(perPage.open * 1e6)}"
            )
        } catch {
            emit("{\"error\": \"\(error)\"}")
        }
    }

    /// Seconds per page for `pages` seals of one 4 KiB page (each with a fresh nonce, as a
    /// write does), then `pages` opens of one sealed page: memory only, no SQLite.
    static func secondsPerPage(_ encryption: PageEncryption, pages: Int = 50_000) throws -> (seal: Double, open: Double)
    {
        let codec = try PageCodec(encryption: encryption)
        let body = codec.pageByteCount - Int(PageEncryption.reserveByteCount)
        var plain = (0..<codec.pageByteCount).map { $0 < body ? UInt8.random(in: .min ... .max) : 0 }
        var sealed = [UInt8](repeating: 0, count: codec.pageByteCount)
        // Page 2 onward: page 1 also carries the header in its associated data.
        let sealSeconds = try StoreBenchmark.seconds {
            for index in 0..<pages { try codec.seal(plain, page: 2 + UInt32(index % 1000), into: &sealed) }
        }
        let last = 2 + UInt32((pages - 1) % 1000)
        let openSeconds = try StoreBenchmark.seconds {
            for _ in 0..<pages { try codec.open(sealed, page: last, into: &plain) }
        }
        return (sealSeconds / Double(pages), openSeconds / Double(pages))
    }

    static func run(_ algorithm: PageEncryption.Algorithm) {
        do {
            let directory = NSTemporaryDirectory() + "cordon-cipher-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/cipher.db"
            var configuration = Configuration()
            configuration.encryption = PageEncryption(
                key: BenchPageKey(hex: String(repeating: "a5", count: 32)),
                algorithm: algorithm
            )
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
            let seconds = try StoreBenchmark.seconds {
                report = try StoreVerifier.verify(path: path, encryption: encryption)
            }
            let bytes = Double((report?.pageCount ?? 0) * 4096)
            emit(
                "{\"algorithm\": \"\(algorithm.rawValue)\", \"open_pages_per_s\": \(Double(report?.pageCount ?? 0) / seconds), "
                    + "\"open_mb_per_s\": \(bytes / seconds / 1e6)}"
            )
        } catch {
            emit("{\"error\": \"\(error)\"}")
        }
    }
}
