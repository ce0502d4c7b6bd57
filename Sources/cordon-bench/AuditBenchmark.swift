import CordonAudit
import CordonCrypto
import Foundation
import Synchronization

/// The audit-trail benchmark: durable appends from concurrent writers, a bulk-built log of
/// realistic entries, full verification and proof generation. Each command prints one JSON
/// line; `scripts/bench/bench-audit.sh` runs them and prints the table.
enum AuditBenchmark {
    static let origin = "cordon.bench/audit"

    /// A fixed signing key, so runs are comparable (the benchmark data is not secret).
    static let signingKey: Ed25519.SigningKey = {
        try! Ed25519.SigningKey(seed: SecretKey<SigningSeedRole>(copying: [UInt8](repeating: 0x42, count: 32)))
    }()

    static let actions = ["subject.export", "query.run", "ingest.subjects", "subject.erase", "subject.rectify"]
    static let roles = ["dpo", "analyst", "ingest", "admin", "dpo"]

    /// Event `i` of the data set: about 350 bytes of canonical JSON, like the vault's own
    /// entries (a query text for analysts, pseudonyms for data-subject requests).
    static func event(_ i: Int) -> AuditEvent {
        let kind = i % 5
        let pseudonym = { (n: Int) in "ps_" + String((n &* 2_654_435_761) & 0xFFFF_FFFF_FFFF, radix: 16) }
        return AuditEvent(
            actor: "tok_\(String(i % 97, radix: 16))a9f3c",
            role: roles[kind],
            action: actions[kind],
            regions: kind == 1 ? ["eu", "us"] : ["eu"],
            purpose: kind == 1 ? "analytics" : "dsr_access",
            subjects: kind == 1 ? [] : [pseudonym(i), pseudonym(i + 1)],
            outcome: i % 50 == 0 ? .denied : .ok,
            reason: i % 50 == 0 ? "budget exhausted" : nil,
            policyVersions: kind == 1 ? ["eu": "gdpr-2025.1", "us": "ccpa-2024.3"] : ["eu": "gdpr-2025.1"],
            requestId: "req_\(String(i &* 40503, radix: 16))_\(i)",
            query: kind == 1
                ? "SELECT country, channel, COUNT(DISTINCT subject) FROM events GROUP BY country, channel" : nil,
            privacyCost: kind == 1 ? PrivacyCost(microEpsilon: 250_000) : nil,
            details: kind == 1
                ? ["groups": .integer(Int64(i % 40)), "groups.suppressed": .integer(Int64(i % 3))]
                : ["rows": .integer(Int64(i % 1000)), "store.eu.commit": .integer(Int64(i))]
        )
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func open(_ directory: String, configuration: AuditConfiguration = AuditConfiguration()) throws -> AuditLog {
        try AuditLog.open(
            directory: URL(fileURLWithPath: directory),
            signingKey: signingKey,
            origin: origin,
            configuration: configuration
        )
    }

    /// `audit append <dir> <writers> <count> [checkpoint-every]`: `count` durable appends
    /// shared by `writers` threads, into a fresh log with the default configuration
    /// (checkpoints every 1000 entries and every second, signed off the append path), or
    /// checkpoints every `checkpoint-every` entries. Reports the process's CPU time per
    /// append beside the rate: unlike the rate, it hardly moves when other work shares
    /// the machine.
    static func append(directory: String, writers: Int, count: Int, checkpointEvery: UInt64? = nil) throws {
        try? FileManager.default.removeItem(atPath: directory)
        var configuration = AuditConfiguration()
        if let checkpointEvery { configuration.checkpointEveryEntries = checkpointEvery }
        let log = try open(directory, configuration: configuration)
        let cpuBefore = ProcessCPU.seconds()
        let perWriter = count / writers
        let failures = FailureCount()
        let group = DispatchGroup()
        let elapsed = seconds {
            for writer in 0..<writers {
                group.enter()
                let thread = Thread {
                    for n in 0..<perWriter where (try? log.append(event(writer * perWriter + n))) == nil {
                        failures.count.withLock { $0 += 1 }
                    }
                    group.leave()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.wait()
        }
        let cpu = ProcessCPU.seconds() - cpuBefore
        try log.close()
        let total = perWriter * writers
        emit(
            """
            {"bench": "append", "writers": \(writers), "appends": \(total), "failures": \(failures.count.withLock { $0 }), \
            "seconds": \(elapsed), "appends_per_s": \(Double(total) / elapsed), \
            "cpu_us_per_append": \(cpu / Double(max(1, total)) * 1e6), \
            "checkpoint_every": \(configuration.checkpointEveryEntries)}
            """
        )
    }

    /// `audit generate <dir> <entries>`: a log of `entries` realistic entries, written in
    /// large batches, and its verifier key in `<dir>.pub` (for `audit/verify.py`).
    static func generate(directory: String, entries: Int) throws {
        try? FileManager.default.removeItem(atPath: directory)
        var configuration = AuditConfiguration()
        configuration.checkpointEveryMilliseconds = 0
        let log = try open(directory, configuration: configuration)
        let batch = 4096
        let elapsed = try seconds {
            for start in stride(from: 0, to: entries, by: batch) {
                _ = try log.appendBatch((start..<min(entries, start + batch)).map(event))
            }
            try log.close()
        }
        try (log.verifierKey.description + "\n").write(toFile: directory + ".pub", atomically: true, encoding: .utf8)
        let segments = directory + "/segments"
        var bytes = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: segments) {
            bytes +=
                (try FileManager.default.attributesOfItem(atPath: segments + "/" + name)[.size] as? NSNumber)?.intValue
                ?? 0
        }
        emit(
            """
            {"bench": "generate", "entries": \(entries), "seconds": \(elapsed), "segment_bytes": \(bytes), \
            "bytes_per_entry": \(Double(bytes) / Double(max(1, entries)))}
            """
        )
    }

    /// `audit verify <dir>`: ``AuditVerifier`` over the whole directory (best of `runs`).
    static func verify(directory: String, runs: Int) throws {
        let key = try NoteVerifierKey(
            parsing: String(contentsOfFile: directory + ".pub", encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines
            )
        )
        var best = Double.infinity
        var report: AuditVerificationReport?
        for _ in 0..<max(1, runs) {
            best = min(
                best,
                seconds { report = AuditVerifier.verify(directory: URL(fileURLWithPath: directory), publicKey: key) }
            )
        }
        guard let report, report.isValid else {
            throw AuditError(.tampered, "the benchmark log does not verify: \(report!)")
        }
        emit(
            """
            {"bench": "verify", "entries": \(report.treeSize), "checkpoints": \(report.checkpointsChecked), \
            "seconds": \(best), "entries_per_s": \(Double(report.treeSize) / best)}
            """
        )
    }

    /// `audit open <dir>`: ``AuditLog/open(directory:signingKey:origin:configuration:)``
    /// (which verifies everything), then inclusion and consistency proofs at the full size.
    static func openAndProve(directory: String, proofs: Int) throws {
        var log: AuditLog?
        let opening = try seconds { log = try open(directory) }
        let size = log!.treeSize
        var generator = SystemRandomNumberGenerator()
        let indices = (0..<proofs).map { _ in UInt64.random(in: 0..<size, using: &generator) }
        var pathLength = 0
        let inclusion = try seconds {
            for index in indices { pathLength += try log!.inclusionProof(index: index).proof.count }
        }
        let consistency = try seconds {
            for index in indices { pathLength += try log!.consistencyProof(from: index + 1, to: size).proof.count }
        }
        // The proofs verify against the current root (checked outside the timed loops).
        let root = log!.rootHash
        let proof = try log!.inclusionProof(index: indices[0])
        try proof.verify(root: root)
        try log!.consistencyProof(from: indices[0] + 1, to: size).verify(
            oldRoot: log!.rootHash(treeSize: indices[0] + 1),
            newRoot: root
        )
        try log!.close()
        emit(
            """
            {"bench": "open", "entries": \(size), "open_seconds": \(opening), "open_entries_per_s": \(Double(size) / opening), \
            "inclusion_us": \(inclusion / Double(proofs) * 1e6), "consistency_us": \(consistency / Double(proofs) * 1e6), \
            "proofs": \(proofs), "path_hashes": \(pathLength)}
            """
        )
    }

    /// Runs `audit <command> ...`; returns false on unknown arguments.
    static func run(_ arguments: ArraySlice<String>) throws -> Bool {
        let words = Array(arguments)
        switch (words.first, words.count) {
        case ("append", 4), ("append", 5):
            try append(
                directory: words[1],
                writers: max(1, Int(words[2]) ?? 1),
                count: Int(words[3]) ?? 20_000,
                checkpointEvery: words.count == 5 ? UInt64(words[4]) : nil
            )
        case ("generate", 3): try generate(directory: words[1], entries: Int(words[2]) ?? 1_000_000)
        case ("verify", 2), ("verify", 3):
            try verify(directory: words[1], runs: words.count == 3 ? Int(words[2]) ?? 1 : 1)
        case ("open", 2): try openAndProve(directory: words[1], proofs: 10_000)
        default: return false
        }
        return true
    }
}

/// Appends that threw, counted across the writer threads.
final class FailureCount: Sendable {
    let count = Mutex(0)
}
