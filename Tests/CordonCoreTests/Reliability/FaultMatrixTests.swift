import CordonAudit
import CordonStore
import CordonTestSupport
import Dispatch
import Foundation
import Testing

@testable import CordonCore

/// Part 1 of the reliability suite (issue 13): every write path, through every point where
/// the disk can fail under it — each SQLite call of every store, each step of a durable
/// file write, each write and fsync of the audit log — failing with EIO, ENOSPC or a short
/// write, once or from then on.
///
/// After each: the call either succeeds or reports a coded error (never a crash or an
/// untyped one); once the disk works again the same operation succeeds without a restart;
/// the vault reopens with every store serving (no `store restore`); every store verifies;
/// every acknowledged effect is there; and the trail claims exactly what the stores hold
/// (``VaultLedger``). The trail then verifies on its own (``AuditVerifier``).
///
/// `make test` tries a few points per path, chosen with the run's seed; `make reliability`
/// tries every point (decision 0013).
@Suite("Reliability: fault matrix over every write path")
struct FaultMatrixTests {
    /// What one fault point did.
    struct Outcome {
        /// The error code the faulted call reported, or nil when it succeeded anyway.
        var errorCode: String?
        var problems: [String]
    }

    @Test(arguments: WritePath.allCases)
    func everyFaultPointKeepsEveryPromise(_ path: WritePath) throws {
        let counts = try Self.count(path)
        let points = FaultPoint.enumerate(counts)
        #expect(!points.isEmpty, "\(path) made no call that could fail")
        let selected = ReliabilityRun.isFull ? points : Self.sample(points, for: path)
        var failed = 0
        var succeeded = 0
        var codes: [String: Int] = [:]
        var violations = 0
        for point in selected {
            let outcome = try Self.run(path, point: point)
            if let code = outcome.errorCode {
                failed += 1
                codes[code, default: 0] += 1
            } else {
                succeeded += 1
            }
            for problem in outcome.problems { Issue.record("\(path), \(point): \(problem)") }
            if !outcome.problems.isEmpty { violations += 1 }
        }
        let index = WritePath.allCases.firstIndex(of: path)!
        let calls = FaultPoint.Site.all.compactMap { site in
            counts[site].flatMap { $0 > 0 ? "\(site) \($0)" : nil }
        }.joined(separator: ", ")
        ReliabilityRun.report(
            "1-fault-matrix/\(String(format: "%02d", index))",
            [
                "\(path): \(selected.count) of \(points.count) points (\(calls)); failed cleanly \(failed) (\(codes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), succeeded anyway \(succeeded), promises broken \(violations)"
            ]
        )
    }

    /// A few points per path for `make test`: one per layer the path reaches, the rest at
    /// random, all from the run's seed.
    static func sample(_ points: [FaultPoint], for path: WritePath) -> [FaultPoint] {
        var generator = ReliabilityRun.generator("fault-matrix \(path)")
        var chosen: [FaultPoint] = []
        let layers: [(FaultPoint.Site) -> Bool] = [
            { if case .store = $0 { true } else { false } },
            { if case .file = $0 { true } else { false } },
            { if case .audit = $0 { true } else { false } },
        ]
        for layer in layers {
            if let point = points.filter({ layer($0.site) }).randomElement(using: &generator) { chosen.append(point) }
        }
        while chosen.count < 3, let point = points.randomElement(using: &generator) {
            if !chosen.contains(point) { chosen.append(point) }
        }
        return chosen
    }

    /// Counting passes hold six SQLite fault rules each; the table has 64 slots.
    private static let countingSlots = DispatchSemaphore(value: 4)

    /// The calls `path` makes on a fresh copy of the template, per site.
    static func count(_ path: WritePath) throws -> [FaultPoint.Site: Int] {
        let directory = try ReliabilityTemplate.copy()
        let data = directory.url.appendingPathComponent("data")
        let audit = AuditFaults()
        let vault = try Self.open(data, audit: audit)
        let subjects = try WritePath.subjects(in: vault)
        countingSlots.wait()
        defer { countingSlots.signal() }
        let counter = CallCounter(directory: data, audit: audit)
        _ = try path.run(vault, subjects: subjects, attempt: 0)
        vault.witness.drain()
        let counts = counter.finish()
        try vault.close()
        return counts
    }

    static func open(_ data: URL, audit: AuditFaults? = nil) throws -> Vault {
        var configuration = AuditConfiguration()
        configuration.checkpointEveryMilliseconds = 0  // no timer: the same calls every run
        configuration.recoveryEveryMilliseconds = 0  // the retry may recover the log at once
        if let audit { configuration.fileOperations = audit }
        return try Vault.open(
            dataDirectory: data,
            configuration: VaultFixture.configuration,
            source: .keyFile(data.appendingPathComponent("master.key")),
            auditConfiguration: configuration
        )
    }

    /// Runs `path` on a fresh copy with `point` armed, then checks every promise.
    static func run(_ path: WritePath, point: FaultPoint) throws -> Outcome {
        let directory = try ReliabilityTemplate.copy()
        let data = directory.url.appendingPathComponent("data")
        let audit = AuditFaults()
        var problems: [String] = []
        var vault: Vault? = try Self.open(data, audit: audit)
        let templateMasterKeyID = vault!.keys.masterKeyID
        let subjects = try WritePath.subjects(in: vault!)

        // The faulted call.
        let armed = ArmedFault(point, directory: data, audit: audit)
        var checks: [(Vault) throws -> [String]] = []
        var errorCode: String?
        do {
            checks.append(try path.run(vault!, subjects: subjects, attempt: 0))
        } catch {
            if let code = Self.code(of: error) {
                errorCode = code
            } else {
                errorCode = "untyped"
                problems.append("the call failed with an error that has no code: \(type(of: error)): \(error)")
            }
        }
        armed.disarm()
        vault!.witness.drain()

        // The disk works again: the same operation succeeds without a restart.
        do {
            checks.append(try path.run(vault!, subjects: subjects, attempt: 1))
        } catch {
            problems.append("once the disk worked again, the retry failed without a restart: \(error)")
        }
        do {
            try vault!.close()
        } catch {
            problems.append("close failed: \(error)")
        }
        vault = nil

        // A restart: no store restore, every store serving and intact, every claim true.
        do {
            let reopened = try Self.open(data)
            defer { try? reopened.close() }
            for region in reopened.regionIDs
            where FileManager.default.fileExists(atPath: RegionStore.url(for: region, in: data).path) {
                do { _ = try reopened.store(region) } catch {
                    problems.append("region \(region) is locked after the fault: \(error)")
                }
            }
            for check in checks { problems += try check(reopened) }
            problems += try VaultLedger.problems(reopened)
            let rotations = TrailClaims(try reopened.audit.entries(in: 0..<reopened.audit.treeSize))
                .effectiveEntries("keys.rotate.master").count
            if (rotations > 0) != (reopened.keys.masterKeyID != templateMasterKeyID) {
                problems.append(
                    "the trail claims \(rotations) master-key rotations, the master key \(reopened.keys.masterKeyID == templateMasterKeyID ? "is unchanged" : "changed")"
                )
            }
            for check in try reopened.verifyStores(context: WritePath.context) where !check.intact {
                problems.append("store verify: \(check.region): \(check.problems.joined(separator: "; "))")
            }
            try reopened.close()
            let report = AuditVerifier.verify(
                directory: data.appendingPathComponent("audit"),
                publicKey: reopened.audit.verifierKey
            )
            if let problem = report.problem { problems.append("audit verify: \(problem.message)") }
        } catch {
            problems.append("the vault does not reopen: \(error)")
        }
        return Outcome(errorCode: errorCode, problems: problems)
    }

    /// The stable code of an error Cordon reports, or nil for an error without one.
    static func code(of error: any Error) -> String? {
        switch error {
        case let error as VaultError: error.code.name
        case let error as ControlError: error.code.description
        case let error as KeyError: error.code.description
        case let error as QueryError: error.code.description
        case let error as AuditError: error.code.description  // the log's own API (checkpoints)
        default: nil
        }
    }
}
