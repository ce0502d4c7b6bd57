import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Glibc
import Testing

@testable import CordonCore

/// Part 4 of the reliability suite (issue 13): a full volume under the region stores, under
/// the audit trail, or under the whole data directory. Cordon fails closed — every call
/// reports `storage_full` or `audit_unavailable`, nothing is acknowledged that is not
/// durable, and the trail claims no write that did not happen — then, once space returns,
/// the same operations succeed without a restart.
///
/// A real full disk where the tests run as root (a small tmpfs mounted over the directory,
/// ``TmpfsVolume``); injected `ENOSPC` everywhere else.
@Suite("Reliability: disk full on the data and audit volumes")
struct DiskFullTests {
    /// Which part of the data directory runs out of space.
    enum Volume: String, CaseIterable, CustomStringConvertible {
        case regions = "region stores"
        case audit = "audit trail"
        case everything = "whole data directory"

        var description: String { rawValue }

        /// The codes a write may fail with while this volume is full.
        var codes: Set<String> {
            switch self {
            case .regions: ["storage_full"]
            case .audit: ["audit_unavailable"]
            case .everything: ["storage_full", "audit_unavailable", "storage"]
            }
        }
    }

    /// The writes tried while the disk is full and again once it is not.
    static let workload: [WritePath] = [
        .ingestSubjects, .ingestEvents, .rectify, .consent, .rotateKEK, .auditAppend, .ingestEvents,
    ]

    /// A copy of the reliability template whose `volume` part sits on a volume that can be
    /// filled, and how to fill and empty it.
    final class FullableDirectory {
        let directory: TemporaryDirectory
        let data: URL
        let audit = AuditFaults()
        private(set) var tmpfs: TmpfsVolume?
        private var filler: URL?
        private var injected: FaultInjection.Rule?
        private var injectedFiles: DurableFileFaults.Rule?
        let volume: Volume
        let mounted: URL

        init(_ volume: Volume) throws {
            self.volume = volume
            directory = try ReliabilityTemplate.copy()
            data = directory.url.appendingPathComponent("data")
            mounted =
                switch volume {
                case .regions: data.appendingPathComponent("regions")
                case .audit: data.appendingPathComponent("audit")
                case .everything: data
                }
            // The files move onto the volume, as an operator moving them to their own disk would.
            let aside = directory.url.appendingPathComponent("aside")
            try FileManager.default.moveItem(at: mounted, to: aside)
            // CORDON_RELIABILITY_INJECTED=1 tries the fallback where a tmpfs would mount.
            let injectedOnly = ProcessInfo.processInfo.environment["CORDON_RELIABILITY_INJECTED"] == "1"
            tmpfs = injectedOnly ? nil : TmpfsVolume(byteCount: 4 << 20, at: mounted)
            if tmpfs == nil { try FileManager.default.createDirectory(at: mounted, withIntermediateDirectories: true) }
            for name in try FileManager.default.contentsOfDirectory(atPath: aside.path) {
                try FileManager.default.copyItem(
                    at: aside.appendingPathComponent(name),
                    to: mounted.appendingPathComponent(name)
                )
            }
        }

        /// No space left, or only `leaving` bytes: a filler file fills the tmpfs (and is cut
        /// back by `leaving`); or every store and audit write on the volume fails with ENOSPC
        /// (after `leaving / 4096` of them).
        func fill(leaving: Int) throws {
            if let tmpfs {
                let filler = try tmpfs.fill()
                self.filler = filler
                let size = try FileManager.default.attributesOfItem(atPath: filler.path)[.size] as? Int ?? 0
                guard truncate(filler.path, off_t(max(0, size - leaving))) == 0 else { throw POSIXError(.EIO) }
                return
            }
            let after = leaving / 4096
            if volume != .audit {
                injectedFiles = DurableFileFaults.arm(
                    [.create, .write],
                    errno: ENOSPC,
                    .persistent,
                    under: mounted,
                    after: after
                )
            }
            switch volume {
            case .regions:
                injected = FaultInjection.arm(
                    .write,
                    .enospc,
                    .persistent,
                    under: data.appendingPathComponent("regions"),
                    after: after
                )
            case .audit:
                audit.arm(.write, .enospc, persistent: true, after: after)
            case .everything:
                injected = FaultInjection.arm(.write, .enospc, .persistent, under: data, after: after)
                audit.arm(.write, .enospc, persistent: true, after: after)
            }
        }

        /// Space again.
        func free() throws {
            if let filler { try FileManager.default.removeItem(at: filler) }
            filler = nil
            injected?.disarm()
            injectedFiles?.disarm()
            audit.disarm()
        }

        /// The vault, opened with the audit faults this directory injects.
        func open() throws -> Vault { try FaultMatrixTests.open(data, audit: audit) }
    }

    /// Bytes left free when the writes start: none in `make test`; in `make reliability`
    /// also a little, so the volume fills part way through a write.
    static let leftovers = ReliabilityRun.scale(short: [0], full: [0, 4 << 10, 16 << 10, 64 << 10, 256 << 10])

    @Test(arguments: Volume.allCases, leftovers)
    func aFullVolumeFailsClosedAndRecoversWithoutARestart(_ volume: Volume, leaving: Int) throws {
        let disk = try FullableDirectory(volume)
        #expect(
            disk.tmpfs != nil || geteuid() != 0
                || ProcessInfo.processInfo.environment["CORDON_RELIABILITY_INJECTED"] == "1",
            "running as root, the tmpfs must mount"
        )
        var vault: Vault! = try disk.open()
        let subjects = try WritePath.subjects(in: vault)
        var checks: [(WritePath, (Vault) throws -> [String])] = []
        var failures: [String: Int] = [:]
        var broken = 0  // promises broken: false claims, lost acknowledged writes, failed retries

        try disk.fill(leaving: leaving)
        for path in Self.workload {
            do {
                checks.append((path, try path.run(vault, subjects: subjects, attempt: 0)))
            } catch {
                let code = FaultMatrixTests.code(of: error) ?? "untyped: \(error)"
                failures[code, default: 0] += 1
                #expect(volume.codes.contains(code), "\(path) on a full \(volume): \(error)")
            }
            // Fail closed, now and without a restart: the trail claims what the stores hold.
            for problem in try VaultLedger.problems(vault, live: true) {
                Issue.record("\(path) on a full \(volume): \(problem)")
                broken += 1
            }
        }
        if leaving == 0 { #expect(!failures.isEmpty, "nothing failed on a full \(volume)") }

        // Space returns: the same operations go through at once, with no restart.
        try disk.free()
        var recovered = 0
        for path in Self.workload {
            do {
                checks.append((path, try path.run(vault, subjects: subjects, attempt: 1)))
                recovered += 1
            } catch {
                Issue.record("\(path) once space returned on the \(volume): \(error)")
                broken += 1
            }
        }
        for problem in try VaultLedger.problems(vault) {
            Issue.record("once space returned on the \(volume): \(problem)")
            broken += 1
        }
        if volume != .regions, failures["audit_unavailable"] != nil {
            let recovered = try vault.audit.entries(in: 0..<vault.audit.treeSize).filter {
                $0.action == "audit.recovered"
            }
            #expect(!recovered.isEmpty, "the trail does not say it was unavailable")
        }

        // And after a restart: every store serving and intact, every acknowledged write there.
        vault.audit.abandon()
        vault = nil
        vault = try disk.open()
        for (path, check) in checks {
            for problem in try check(vault) {
                Issue.record("\(path), acknowledged on the \(volume): \(problem)")
                broken += 1
            }
        }
        for problem in try VaultLedger.problems(vault) {
            Issue.record("after a restart: \(problem)")
            broken += 1
        }
        for check in try vault.verifyStores(context: WritePath.context) where !check.intact {
            Issue.record("store verify: \(check.region): \(check.problems)")
            broken += 1
        }
        try vault.close()
        let report = AuditVerifier.verify(
            directory: disk.data.appendingPathComponent("audit"),
            publicKey: vault.audit.verifierKey
        )
        #expect(report.problem == nil, "\(report.problem?.message ?? "")")
        ReliabilityRun.report(
            "4-disk-full/\(Volume.allCases.firstIndex(of: volume)!)-\(String(format: "%07d", leaving))",
            [
                "full \(volume), \(leaving / 1024) KiB left (\(disk.tmpfs != nil ? "tmpfs" : "injected ENOSPC")): \(Self.workload.count) writes while full, \(failures.values.reduce(0, +)) refused (\(failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), once space returned \(recovered) of \(Self.workload.count) succeeded without a restart; promises broken \(broken)"
            ]
        )
    }

    /// One volume for everything: a KEK rotation is audited, its keyring cannot be written,
    /// and neither can the entry saying so. That entry is the next thing the trail records.
    @Test func aFailedRotationWhoseErrorEntryCannotBeWrittenIsRecordedBeforeAnythingElse() throws {
        let directory = try ReliabilityTemplate.copy()
        let data = directory.url.appendingPathComponent("data")
        let audit = AuditFaults()
        let vault = try FaultMatrixTests.open(data, audit: audit)
        let files = DurableFileFaults.arm([.create], errno: ENOSPC, .persistent, under: data)
        audit.arm(.write, .enospc, persistent: true, after: 1)  // the rotation's own entry goes through
        let error = #expect(throws: VaultError.self) { try vault.rotateKEK(.region("eu"), context: WritePath.context) }
        #expect(error?.code == .storageFull)
        #expect(throws: VaultError.self) {
            try vault.recordAccess(WritePath.context, action: .httpRequest, outcome: .ok)
        }
        files.disarm()
        audit.disarm()
        try vault.recordAccess(WritePath.context, action: .httpRequest, outcome: .ok)
        let entries = try vault.audit.entries(in: 0..<vault.audit.treeSize)
        #expect(entries.suffix(2).map(\.action) == ["keys.rotate.kek", "http.request"])
        #expect(entries.suffix(2).first?.details["effect"] == .string("none"))
        #expect(try VaultLedger.problems(vault) == [])
        try vault.close()
    }

    /// One volume for everything, as it fills: the write's entry still fits, its COMMIT does
    /// not, and neither does the entry that would say so. The trail must not keep that "ok"
    /// once the store is written again.
    @Test func aWriteWhoseAbortedEntryCannotBeWrittenIsExplainedBeforeTheStoreIsWrittenAgain() throws {
        let directory = try ReliabilityTemplate.copy()
        let data = directory.url.appendingPathComponent("data")
        let audit = AuditFaults()
        let vault = try FaultMatrixTests.open(data, audit: audit)
        let subjects = try WritePath.subjects(in: vault)
        let store = FaultInjection.arm(.write, .enospc, .persistent, under: data.appendingPathComponent("regions"))
        audit.arm(.write, .enospc, persistent: true, after: 1)  // the write's own entry goes through
        let error = #expect(throws: VaultError.self) {
            _ = try WritePath.ingestEvents.run(vault, subjects: subjects, attempt: 0)
        }
        // Full, or — when the refusal is itself recorded — the trail that cannot take it.
        #expect(error?.code == .storageFull || error?.code == .auditUnavailable)
        store.disarm()
        audit.disarm()
        _ = try WritePath.ingestEvents.run(vault, subjects: subjects, attempt: 1)
        #expect(try VaultLedger.problems(vault) == [])
        try vault.close()
    }
}
