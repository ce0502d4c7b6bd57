import CordonAudit
import CordonStore
import CordonTestSupport
import Dispatch
import Foundation
import Glibc
import Synchronization

@testable import CordonCore

/// Ingests through a child process — `cordon ingest`, or `cordon serve` with several
/// concurrent HTTP writers — kills it with SIGKILL at a random moment, and checks what the
/// data directory holds against what was acknowledged.
///
/// Every batch carries a tag (an event's `campaign`, a subject's consent `source`) and goes
/// to one region, so one batch is one transaction and its rows can be counted. A batch is
/// acknowledged when the CLI printed its summary or the HTTP response arrived.
final class CrashLoop {
    /// What one batch was, and what the child said about it.
    struct Batch: Sendable {
        enum Kind: Sendable { case events, subjects }
        enum Answer: Sendable, Equatable {
            case acknowledged, refused, none
            /// Answered 200 without accepting every line: every line is valid, so this is a bug.
            case unexpected(String)
        }
        var tag: String
        var kind: Kind
        /// Lines per region: each region's share is one transaction, all or nothing.
        var lines: [String: Int]
        var answer: Answer
        var idempotencyKey: String?
        var body: [UInt8]
        /// Regions whose share was found committed: it must stay so.
        var seenCommitted: Set<String> = []

        var lineCount: Int { lines.values.reduce(0, +) }
    }

    /// The figures `make reliability` prints.
    struct Tally: Sendable {
        var cycles = 0
        var cliCycles = 0
        var httpCycles = 0
        var killed = 0
        var acknowledgedBatches = 0
        var unacknowledgedCommitted = 0
        var unacknowledgedNotCommitted = 0
        var refusedBatches = 0
        var acknowledgedWritesLost = 0
        var duplicatedRows = 0
        var partialBatches = 0
        var refusedButStored = 0
        var storesLocked = 0
        var vaultRefusedToOpen = 0
        var storesRecovered = 0
        var falseClaims = 0
        var unclaimedWrites = 0
        var verificationFailures = 0
        var retriedWithIdempotencyKey = 0
    }

    static let regions: [(id: String, country: String)] = [("eu", "DE"), ("uk", "GB"), ("us", "US"), ("br", "BR")]
    static let baseSubjects = 6
    static let configuration: PolicyConfiguration = try! PolicyConfiguration.load(from: CordonProcess.packageRoot)
    /// Whether the server answers a repeated `Idempotency-Key` with the first answer
    /// (issue 14.8; openapi.json documents the header once it does): then every batch sent
    /// with a key and not acknowledged is sent again after the restart, and must be stored
    /// exactly once.
    static let serverSupportsIdempotency: Bool = {
        let openapi = CordonProcess.packageRoot.appendingPathComponent("openapi.json")
        return (try? String(contentsOf: openapi, encoding: .utf8))?.contains("Idempotency-Key") ?? false
    }()

    let scratch: TemporaryDirectory
    let data: URL
    private(set) var tally = Tally()
    private(set) var problems: [String] = []
    private var batches: [Batch] = []
    private var generator: SeededGenerator
    private var token = ""
    private var epoch: Int

    init(epoch: Int, generator: SeededGenerator) throws {
        self.epoch = epoch
        self.generator = generator
        scratch = try TemporaryDirectory(prefix: "cordon-cli")
        data = scratch.url.appendingPathComponent("data")
        let initialized = try CordonProcess.run(["init", "--data", data.path])
        guard initialized.status == 0 else { throw CLIFailure(initialized.standardError) }
        var subjects = ""
        for (region, country) in Self.regions {
            for index in 0..<Self.baseSubjects {
                subjects += Self.subjectLine("base-\(region)-\(index)", country: country, source: "base") + "\n"
            }
        }
        let ingested = try CordonProcess.run(["ingest", "subjects", "-", "--data", data.path, "-q"], input: subjects)
        guard ingested.status == 0, Self.accepted(ingested.standardOutput) == Self.regions.count * Self.baseSubjects
        else { throw CLIFailure("base subjects: \(ingested.standardOutput) \(ingested.standardError)") }
        let created = try CordonProcess.run([
            "token", "create", "--data", data.path, "--role", "ingest", "--regions", "all", "--name", "writer",
            "--json",
        ])
        guard created.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as? [String: Any],
            let secret = json["token"] as? String
        else { throw CLIFailure("token: \(created.standardError)") }
        token = secret
    }

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func subjectLine(_ externalID: String, country: String, source: String) -> String {
        #"{"externalId":"\#(externalID)","country":"\#(country)","consents":[{"purpose":"analytics","state":"granted","source":"\#(source)","recordedAt":"2025-01-01T00:00:00Z"}]}"#
    }

    static func eventLine(_ externalID: String, tag: String) -> String {
        #"{"externalId":"\#(externalID)","ts":"2026-11-01T10:00:00Z","event":"page_view","campaign":"\#(tag)","purpose":"analytics"}"#
    }

    /// `lines` lines of one batch for `region`, all carrying `tag`.
    private func lines(_ kind: Batch.Kind, tag: String, region: Int, count: Int) -> [String] {
        let (_, country) = Self.regions[region]
        return (0..<count).map { index in
            switch kind {
            case .events:
                Self.eventLine(
                    "base-\(Self.regions[region].id)-\(Int.random(in: 0..<Self.baseSubjects, using: &generator))",
                    tag: tag
                )
            case .subjects:
                Self.subjectLine("s-\(tag)-\(Self.regions[region].id)-\(index)", country: country, source: tag)
            }
        }
    }

    /// `accepted` of an ingest summary (the CLI's JSON, or the HTTP body's `summary`).
    static func accepted(_ json: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return nil
        }
        let summary = object["summary"] as? [String: Any] ?? object
        return summary["accepted"] as? Int
    }

    // MARK: CLI

    /// One `cordon ingest` run of several batches, killed at a random moment (or let finish).
    func cliCycle(_ cycle: Int) throws {
        tally.cycles += 1
        tally.cliCycles += 1
        let kind: Batch.Kind = Int.random(in: 0..<4, using: &generator) == 0 ? .subjects : .events
        let batchSize = Int.random(in: 20...300, using: &generator)
        let groups = Int.random(in: 1...8, using: &generator)
        var text = ""
        var sent: [Batch] = []
        // Each group fills its region's buffer exactly once: one group, one transaction.
        for group in 0..<groups {
            let region = Int.random(in: 0..<Self.regions.count, using: &generator)
            let tag = "e\(epoch)c\(cycle)g\(group)"
            text += lines(kind, tag: tag, region: region, count: batchSize).joined(separator: "\n") + "\n"
            sent.append(
                Batch(tag: tag, kind: kind, lines: [Self.regions[region].id: batchSize], answer: .none, body: [])
            )
        }
        let input = scratch.url.appendingPathComponent("input-\(cycle).ndjson")
        try Data(text.utf8).write(to: input)
        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = [
            "ingest", kind == .events ? "events" : "subjects", input.path, "--batch-size", "\(batchSize)", "-q",
            "--data", data.path,
        ]
        process.environment = Self.environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A fifth of the runs finish; the rest die somewhere between start-up and the end.
        let finish = Int.random(in: 0..<5, using: &generator) == 0
        let delay = useconds_t(Int.random(in: 0...(groups * batchSize * 60 + 250_000), using: &generator))
        if !finish {
            usleep(delay)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                tally.killed += 1
            }
        }
        process.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let acknowledged = Self.accepted(printed) == groups * batchSize
        try FileManager.default.removeItem(at: input)
        batches += sent.map { batch in
            var batch = batch
            batch.answer = acknowledged ? .acknowledged : .none
            return batch
        }
    }

    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CORDON_") }
        environment["CORDON_CONFIG"] = CordonProcess.packageRoot.path
        environment["CORDON_KDF_COST"] = "testing"
        return environment
    }()

    // MARK: HTTP

    /// `cordon serve` with `writers` threads posting NDJSON batches, killed at a random moment.
    func httpCycle(_ cycle: Int, writers: Int) throws {
        tally.cycles += 1
        tally.httpCycles += 1
        let process = Process()
        process.executableURL = CordonProcess.binary
        process.arguments = [
            "serve", "--data", data.path, "--bind", "127.0.0.1:0", "--rate-limit", "100000", "--retention-interval",
            "0",
        ]
        process.environment = Self.environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard
            let port = String(decoding: line, as: UTF8.self).split(separator: ":").last
                .flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CLIFailure("cordon serve did not say where it listens: \(String(decoding: line, as: UTF8.self))")
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        let drain = output.fileHandleForReading
        DispatchQueue.global().async { while !drain.availableData.isEmpty {} }

        // Batches a killed server never answered go again with their key, where keys are honoured.
        if Self.serverSupportsIdempotency {
            for index in batches.indices where batches[index].answer == .none && batches[index].idempotencyKey != nil {
                let batch = batches[index]
                if let response = Self.post(batch, port: port, token: token), response.status == 200 {
                    batches[index].answer = .acknowledged
                    tally.retriedWithIdempotencyKey += 1
                }
            }
        }

        let stop = Atomic<Bool>(false)
        let results = Mutex<[Batch]>([])
        let group = DispatchGroup()
        var plans: [[Batch]] = []
        for writer in 0..<writers {
            // Each writer's batches are drawn up front, from the seeded generator.
            plans.append(
                (0..<200).map { index in
                    let kind: Batch.Kind = Int.random(in: 0..<5, using: &generator) == 0 ? .subjects : .events
                    let tag = "e\(epoch)c\(cycle)w\(writer)b\(index)"
                    let keyed = Bool.random(using: &generator)
                    // Mostly small batches for one region; some for several regions (one
                    // transaction each), some larger than the CLI's default batch size.
                    let shape = Int.random(in: 0..<10, using: &generator)
                    let regions =
                        shape < 2
                        ? Array(
                            (0..<Self.regions.count).shuffled(using: &generator).prefix(
                                Int.random(in: 2...3, using: &generator)
                            )
                        )
                        : [Int.random(in: 0..<Self.regions.count, using: &generator)]
                    var counts: [String: Int] = [:]
                    var body = ""
                    for region in regions {
                        let count =
                            shape == 9
                            ? Int.random(in: 1001...1600, using: &generator)
                            : Int.random(in: 1...150, using: &generator)
                        counts[Self.regions[region].id] = count
                        body += lines(kind, tag: tag, region: region, count: count).joined(separator: "\n") + "\n"
                    }
                    return Batch(
                        tag: tag,
                        kind: kind,
                        lines: counts,
                        answer: .none,
                        idempotencyKey: keyed ? "key-\(tag)" : nil,
                        body: Array(body.utf8)
                    )
                }
            )
        }
        let token = token
        for plan in plans {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                for var batch in plan {
                    if stop.load(ordering: .relaxed) { break }
                    let response = Self.post(batch, port: port, token: token)
                    if let response {
                        if response.status != 200 {
                            batch.answer = .refused
                        } else if let accepted = Self.accepted(response.body), accepted == batch.lineCount {
                            batch.answer = .acknowledged
                        } else {
                            batch.answer = .unexpected(String(response.body.prefix(300)))
                        }
                    }
                    results.withLock { $0.append(batch) }
                    if response == nil { break }  // the server is gone
                }
            }
        }
        usleep(useconds_t(Int.random(in: 100_000...1_500_000, using: &generator)))
        kill(process.processIdentifier, SIGKILL)
        tally.killed += 1
        stop.store(true, ordering: .relaxed)
        process.waitUntilExit()
        group.wait()
        batches += results.withLock { $0 }
    }

    private static func post(_ batch: Batch, port: Int, token: String) -> HTTPPost.Response? {
        var headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson"]
        if let key = batch.idempotencyKey { headers["Idempotency-Key"] = key }
        let path = batch.kind == .events ? "/v1/events" : "/v1/subjects"
        guard let response = HTTPPost.send(port: port, path: path, body: batch.body, headers: headers) else {
            return nil
        }
        return response
    }

    // MARK: Checks

    /// Reopens the data directory after a kill and checks every promise; returns false when
    /// the loop cannot go on (the vault does not open).
    @discardableResult
    func check(_ cycle: Int, withCommands: Bool) throws -> Bool {
        guard let key = try checkInProcess(cycle) else { return false }
        if withCommands { try checkWithCommands(cycle, key: key) }
        return true
    }

    /// The checks through the vault itself; returns the trail's verifier key, or nil when
    /// the vault does not open. The vault is closed and released on return.
    private func checkInProcess(_ cycle: Int) throws -> NoteVerifierKey? {
        let vault: Vault
        do {
            vault = try Vault.open(
                dataDirectory: data,
                configuration: Self.configuration,
                source: .keyFile(data.appendingPathComponent("master.key"))
            )
        } catch {
            tally.vaultRefusedToOpen += 1
            problems.append("cycle \(cycle): the vault does not open after the kill: \(error)")
            return nil
        }
        defer { try? vault.close() }
        tally.storesRecovered += vault.warnings.filter { $0.contains("store.recovered") }.count

        var counts: [String: [String: Int]] = [:]  // region -> tag -> rows
        var stored: [String: Int64] = [:]
        for (region, _) in Self.regions {
            let store: RegionStore
            do {
                store = try vault.store(RegionID(rawValue: region))
            } catch {
                tally.storesLocked += 1
                problems.append("cycle \(cycle): region \(region) is locked after the kill: \(error)")
                continue
            }
            let (tags, events) = try store.read { db -> ([String: Int], Int64) in
                var tags: [String: Int] = [:]
                for row in try db.query(
                    "SELECT campaign, count(*) FROM events WHERE campaign IS NOT NULL GROUP BY campaign"
                ) {
                    tags[try row.get(String.self, at: 0)] = try row.get(Int.self, at: 1)
                }
                for row in try db.query("SELECT source, count(*) FROM consents GROUP BY source") {
                    tags[try row.get(String.self, at: 0), default: 0] += try row.get(Int.self, at: 1)
                }
                return (tags, try db.scalar(Int64.self, "SELECT count(*) FROM events") ?? 0)
            }
            counts[region] = tags
            stored[region] = events
        }

        for index in batches.indices {
            let batch = batches[index]
            for (region, lines) in batch.lines.sorted(by: { $0.key < $1.key }) {
                let rows = counts[region]?[batch.tag] ?? 0
                switch batch.answer {
                case .acknowledged:
                    if rows < lines {
                        tally.acknowledgedWritesLost += lines - rows
                        problems.append(
                            "cycle \(cycle): acknowledged batch \(batch.tag) has \(rows) of \(lines) rows in \(region)"
                        )
                    }
                    if rows > lines { tally.duplicatedRows += rows - lines }
                case .unexpected(let body):
                    problems.append(
                        "cycle \(cycle): batch \(batch.tag) answered 200 without accepting every line: \(body)"
                    )
                case .refused:
                    if rows > 0 {
                        tally.refusedButStored += 1
                        problems.append("cycle \(cycle): batch \(batch.tag) was refused, yet \(rows) rows are stored")
                    }
                case .none:
                    if rows != 0 && rows != lines {
                        tally.partialBatches += 1
                        problems.append(
                            "cycle \(cycle): unacknowledged batch \(batch.tag) is partly stored in \(region): \(rows) of \(lines)"
                        )
                    } else if rows == 0 && batch.seenCommitted.contains(region) {
                        tally.acknowledgedWritesLost += lines
                        problems.append("cycle \(cycle): batch \(batch.tag) was stored in \(region), and is gone")
                    }
                }
                if rows == lines { batches[index].seenCommitted.insert(region) }
            }
            let elsewhere = counts.filter { batch.lines[$0.key] == nil }.reduce(0) { $0 + ($1.value[batch.tag] ?? 0) }
            if elsewhere > 0 { problems.append("cycle \(cycle): batch \(batch.tag) has rows outside its regions") }
        }

        // The trail claims exactly what the stores hold.
        let claims = TrailClaims(try vault.audit.entries(in: 0..<vault.audit.treeSize))
        tally.falseClaims += claims.problems.count
        problems += claims.problems.map { "cycle \(cycle): \($0)" }
        for (region, events) in stored {
            let claimed = claims.events(in: region)
            if claimed > events {
                tally.falseClaims += 1
                problems.append(
                    "cycle \(cycle): the trail claims \(claimed) events in \(region), the store holds \(events)"
                )
            } else if claimed < events {
                tally.unclaimedWrites += 1
                problems.append("cycle \(cycle): \(region) holds \(events) events, the trail claims \(claimed)")
            }
        }
        for check in try vault.verifyStores(context: AccessContext.localOperator("test:crash-loop"))
        where !check.intact {
            tally.verificationFailures += 1
            problems.append("cycle \(cycle): store verify: \(check.region): \(check.problems)")
        }
        let key = vault.audit.verifierKey
        try vault.close()
        let report = AuditVerifier.verify(directory: data.appendingPathComponent("audit"), publicKey: key)
        if let problem = report.problem {
            tally.verificationFailures += 1
            problems.append("cycle \(cycle): audit verify: \(problem.message)")
        }
        return key
    }

    /// The operator's and the DPO's own commands: `cordon store verify`, `cordon audit
    /// verify`, `audit/verify.py`.
    private func checkWithCommands(_ cycle: Int, key: NoteVerifierKey) throws {
        let pubkey = scratch.url.appendingPathComponent("pubkey.txt")
        try Data((key.description + "\n").utf8).write(to: pubkey)
        for arguments in [["store", "verify"], ["audit", "verify", "--pubkey", pubkey.path]] {
            let result = try CordonProcess.run(arguments + ["--data", data.path])
            if result.status != 0 {
                tally.verificationFailures += 1
                problems.append(
                    "cycle \(cycle): cordon \(arguments.prefix(2).joined(separator: " ")): \(result.standardError)"
                )
            }
        }
        let python = try TamperMatrix.python([
            CordonProcess.packageRoot.appendingPathComponent("audit/verify.py").path,
            data.appendingPathComponent("audit").path, "--pubkey", pubkey.path,
        ])
        if python.status != 0 {
            tally.verificationFailures += 1
            problems.append("cycle \(cycle): audit/verify.py: \(python.standardOutput) \(python.standardError)")
        }
    }

    /// Counts the batches' fates (after the last check).
    func countAnswers() {
        for batch in batches {
            switch batch.answer {
            case .acknowledged: tally.acknowledgedBatches += 1
            case .refused, .unexpected: tally.refusedBatches += 1
            case .none:
                if !batch.seenCommitted.isEmpty {
                    tally.unacknowledgedCommitted += 1
                } else {
                    tally.unacknowledgedNotCommitted += 1
                }
            }
        }
    }
}
