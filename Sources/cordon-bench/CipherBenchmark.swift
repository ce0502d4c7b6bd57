import CSodium
import CordonStore
import Foundation

/// Page AEAD throughput, per algorithm, two ways: the bare libsodium calls the VFS makes
/// for one 4 KiB page (the cipher's limit: a load's pages sealed or opened times these
/// is the least its encryption can cost), and the verifier over a store of ~25k pages,
/// which adds a pread per page and nothing of SQLite's.
enum CipherBenchmark {
    static func run() {
        for algorithm in PageEncryption.Algorithm.allCases where algorithm.isAvailable {
            bare(algorithm)
            run(algorithm)
        }
    }

    /// Seals and opens one page body (4096 bytes less the 40-byte reserve) with the
    /// associated data of a page (number and database id), as `seal_page` and `open_page`
    /// do, and prints the time per page.
    static func bare(_ algorithm: PageEncryption.Algorithm) {
        // Before sodium_init, libsodium runs its portable code, not the CPU's (AVX2, AES-NI).
        guard sodium_init() >= 0 else { return emit("{\"error\": \"sodium_init failed\"}") }
        let pages = 50_000
        let body = 4096 - Int(PageEncryption.reserveByteCount)
        var plain = [UInt8](repeating: 0x42, count: body)
        var sealed = [UInt8](repeating: 0, count: body)
        var key = [UInt8](repeating: 0xa5, count: 32)
        var nonce = [UInt8](repeating: 7, count: 24)
        var tag = [UInt8](repeating: 0, count: 16)
        var ad = [UInt8](repeating: 1, count: 20)
        let state = UnsafeMutablePointer<crypto_aead_aes256gcm_state>.allocate(capacity: 1)
        defer {
            sodium_memzero(state, MemoryLayout<crypto_aead_aes256gcm_state>.size)
            state.deallocate()
        }
        if algorithm == .aes256GCM { crypto_aead_aes256gcm_beforenm(state, key) }
        // Seals under a new nonce each time; then opens the last sealed page repeatedly
        // (every open authenticates).
        let sealTime = StoreBenchmark.seconds {
            for page in 0..<pages {
                nonce[0] = UInt8(truncatingIfNeeded: page)
                nonce[1] = UInt8(truncatingIfNeeded: page >> 8)
                switch algorithm {
                case .xChaCha20Poly1305:
                    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
                        &sealed,
                        &tag,
                        nil,
                        plain,
                        UInt64(body),
                        ad,
                        UInt64(ad.count),
                        nil,
                        nonce,
                        key
                    )
                case .aes256GCM:
                    crypto_aead_aes256gcm_encrypt_detached_afternm(
                        &sealed,
                        &tag,
                        nil,
                        plain,
                        UInt64(body),
                        ad,
                        UInt64(ad.count),
                        nil,
                        nonce,
                        state
                    )
                }
            }
        }
        var failures = 0
        let openTime = StoreBenchmark.seconds {
            for _ in 0..<pages {
                let result =
                    switch algorithm {
                    case .xChaCha20Poly1305:
                        crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                            &plain,
                            nil,
                            sealed,
                            UInt64(body),
                            tag,
                            ad,
                            UInt64(ad.count),
                            nonce,
                            key
                        )
                    case .aes256GCM:
                        crypto_aead_aes256gcm_decrypt_detached_afternm(
                            &plain,
                            nil,
                            sealed,
                            UInt64(body),
                            tag,
                            ad,
                            UInt64(ad.count),
                            nonce,
                            state
                        )
                    }
                if result != 0 { failures += 1 }
            }
        }
        key.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
        emit(
            "{\"algorithm\": \"\(algorithm.rawValue)\", \"bare_seal_us_per_page\": \(sealTime / Double(pages) * 1e6), "
                + "\"bare_open_us_per_page\": \(openTime / Double(pages) * 1e6), \"bare_failures\": \(failures)}"
        )
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
