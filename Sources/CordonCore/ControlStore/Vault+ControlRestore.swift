public import CordonAudit
public import CordonCrypto
import CordonStore
public import Foundation

extension Vault {
    /// Accepts an older copy of `control.db` — the one explicit way past the anchor that
    /// otherwise refuses it at open — and replays from the audit trail what must not come
    /// back: erasure tombstones, revoked tokens, and privacy budget already spent (never
    /// refunded). What the trail cannot replay is reported (``ControlRestoreReport``). The
    /// replay is one audited write (`store.restore`, `store: control`), which re-anchors
    /// `control.db` at its new commit.
    ///
    /// The audit trail must open and verify; the copy must open under this directory's
    /// control key and migrate. The file it replaces is kept as `control.db.before-restore`.
    /// If the replay cannot be recorded, the copy stays in place unanchored and Cordon
    /// refuses to open until the restore is run again.
    ///
    /// ```swift
    /// let report = try Vault.restoreControl(dataDirectory: url, configuration: policies,
    ///     source: .fromEnvironment(dataDirectory: url), from: backup, context: .commandLine(role: .admin))
    /// ```
    public static func restoreControl(
        dataDirectory: URL,
        configuration: PolicyConfiguration,
        source: MasterKeySource,
        from backup: URL,
        context: AccessContext,
        passphraseParameters: PasswordKDF.Parameters = .moderate,
        auditConfiguration: AuditConfiguration = AuditConfiguration()
    ) throws -> ControlRestoreReport {
        let path = dataDirectory.appendingPathComponent(ControlStore.fileName)
        let replaced = path.appendingPathExtension("before-restore")
        let vault = try assemble(
            dataDirectory: dataDirectory,
            configuration: configuration,
            source: source,
            passphraseParameters: passphraseParameters,
            auditConfiguration: auditConfiguration
        ) { dataDirectory, controlConfiguration in
            guard let encryption = controlConfiguration.encryption,
                StoreVerifier.opens(path: backup.path, with: encryption)
            else {
                throw VaultError(
                    .invalidRequest,
                    "\(backup.path) is not a control.db of this data directory (it does not open under its control key)"
                )
            }
            let staged = path.appendingPathExtension("restore")
            try? FileManager.default.removeItem(at: staged)
            try DurableFile.copy(backup, to: staged)
            // The copy must open and migrate before it replaces anything.
            do {
                try {
                    _ = try DatabaseQueue(
                        path: staged.path,
                        configuration: controlConfiguration,
                        migrator: ControlStore.schema
                    )
                }()
            } catch let error as StoreError {
                try? FileManager.default.removeItem(at: staged)
                throw ControlError(storing: error, while: "open the backup \(backup.lastPathComponent)")
            }
            // The file it replaces is kept beside it (control.db.before-restore), in case
            // the wrong backup was chosen.
            if FileManager.default.fileExists(atPath: path.path) {
                for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path.path + suffix) {
                    try? FileManager.default.removeItem(atPath: replaced.path + suffix)
                    try DurableFile.move(
                        URL(fileURLWithPath: path.path + suffix),
                        to: URL(fileURLWithPath: replaced.path + suffix)
                    )
                }
            }
            for suffix in ["-wal", "-shm", "-journal"] {
                try DurableFile.remove(URL(fileURLWithPath: path.path + suffix))
            }
            try DurableFile.move(staged, to: path)
            return try ControlStore.open(dataDirectory: dataDirectory, configuration: controlConfiguration)
        }
        var report: ControlRestoreReport
        do {
            report = try vault.replayIntoControl(context: context)
            if FileManager.default.fileExists(atPath: replaced.path) { report.replacedFileKeptAt = replaced.path }
            try vault.checkAnchors()  // the whole directory tells one story again
        } catch {
            vault.audit.abandon()
            throw error
        }
        try vault.close()
        return report
    }

    /// Replays, in one audited write to `control.db`, what the trail says must not come
    /// back; see ``restoreControl(dataDirectory:configuration:source:from:context:passphraseParameters:auditConfiguration:)``.
    func replayIntoControl(context: AccessContext) throws -> ControlRestoreReport {
        // Everything is gathered first: the control.db transaction below touches no other store.
        let auditedErasures = Set(try self.auditedErasures().values.flatMap(\.keys))
        let erasureRows = try storedErasures()
        let recorded = Set(erasureRows.compactMap { SubjectID(rawValue: $0.subject).map(pseudonym) })
        let revocations = try trailEntries(action: .tokenRevoke).filter { $0.outcome == .ok }.compactMap {
            entry -> (String, Int64)? in
            guard case .string(let id)? = entry.details["token"] else { return nil }
            return (id, entry.time.millisecondsSince1970 / 1000)
        }
        let created = try trailEntries(action: .tokenCreate).filter { $0.outcome == .ok }.compactMap {
            entry -> String? in
            guard case .string(let id)? = entry.details["token"] else { return nil }
            return id
        }
        let spending = try auditedSpending()
        let changes = try auditedRegisterChanges()

        let (report, _) = try write(
            .control,
            context: context,
            { db -> ControlRestoreReport in
                var report = ControlRestoreReport(
                    commit: 0,
                    tombstonesReplayed: 0,
                    erasuresWithoutRecord: auditedErasures.subtracting(recorded).count,
                    tokensRevoked: [],
                    tokensMissing: [],
                    budgetsRaised: 0,
                    requestsNotReplayed: [],
                    replacedFileKeptAt: nil
                )
                for row in erasureRows {
                    if try ControlStore.recordTombstone(
                        region: row.region,
                        subjectID: row.subject,
                        erasedAt: Date(timeIntervalSince1970: Double(row.erasedAt)),
                        in: db
                    ) {
                        report.tombstonesReplayed += 1
                    }
                }
                for (id, seconds) in revocations
                where try ControlStore.replayRevocation(ofToken: id, at: seconds, in: db) {
                    report.tokensRevoked.append(id)
                }
                report.tokensMissing = try created.filter { try !ControlStore.holdsToken($0, in: db) }
                report.budgetsRaised = try Self.raiseBudgets(to: spending, in: db)
                report.requestsNotReplayed = try Self.requestsBehind(changes, in: db)
                return report
            },
            entry: { report in
                let counts: [(String, Int)] = [
                    ("tombstonesReplayed", report.tombstonesReplayed),
                    ("erasuresWithoutRecord", report.erasuresWithoutRecord),
                    ("tokensRevoked", report.tokensRevoked.count), ("tokensMissing", report.tokensMissing.count),
                    ("budgetsRaised", report.budgetsRaised), ("requestsNotReplayed", report.requestsNotReplayed.count),
                ]
                var details: [String: AuditDetailValue] = ["store": .string("control")]
                for (key, count) in counts { details[key] = .integer(Int64(count)) }
                return AuditRecord(action: .storeRestore, details: details)
            }
        )
        var result = report
        result.commit = try control.anchor().counter
        return result
    }

    /// The erasure records of every region store that can be opened.
    private func storedErasures() throws -> [(region: RegionID, subject: String, erasedAt: Int64)] {
        var erasureRows: [(region: RegionID, subject: String, erasedAt: Int64)] = []
        for region in regionIDs {
            guard FileManager.default.fileExists(atPath: RegionStore.url(for: region, in: dataDirectory).path),
                let store = try? openStore(region)
            else { continue }
            let rows = try store.read { db in
                try db.query("SELECT subject_id, erased_at FROM erasures").map {
                    (region, try $0.get(String.self, at: 0), try $0.get(Int64.self, at: 1))
                }
            }
            erasureRows += rows
        }
        return erasureRows
    }

    /// Raises each privacy-budget row to what the trail shows it spent; returns the rows raised.
    private static func raiseBudgets(
        to spending: [SpendingKey: (micro: Int64, queries: Int64)],
        in db: Connection
    ) throws -> Int {
        var raised = 0
        for (key, spent) in spending.sorted(by: { $0.key < $1.key }) {
            let current = try db.query(
                """
                SELECT spent_micro, queries FROM privacy_budget
                WHERE analyst = \(key.analyst) AND region = \(key.region.rawValue) AND period_start = \(key.period.start)
                """
            ).first.map { (try $0.get(Int64.self, at: 0), try $0.get(Int64.self, at: 1)) }
            guard spent.micro > current?.0 ?? 0 || spent.queries > current?.1 ?? 0 else { continue }
            // Never a refund: each column only ever rises to what the trail shows.
            try db.execute(
                """
                INSERT INTO privacy_budget(analyst, region, period_start, period_end, spent_micro, queries)
                VALUES (\(key.analyst), \(key.region.rawValue), \(key.period.start), \(key.period.end), \(spent.micro), \(spent.queries))
                ON CONFLICT(analyst, region, period_start) DO UPDATE SET
                  spent_micro = max(spent_micro, excluded.spent_micro), queries = max(queries, excluded.queries)
                """
            )
            raised += 1
        }
        return raised
    }

    /// The requests whose register row is behind the trail's last change to them.
    private static func requestsBehind(
        _ changes: [String: (action: AuditAction, sequence: UInt64, rank: Int)],
        in db: Connection
    ) throws -> [ControlRestoreReport.RequestChange] {
        var behind: [ControlRestoreReport.RequestChange] = []
        for (id, change) in changes.sorted(by: { $0.value.sequence < $1.value.sequence }) {
            let held = try db.query("SELECT status FROM dsr_requests WHERE id = \(id)").first
                .map { try $0.get(String.self, at: 0) }
            let rank = ["open": 0, "extended": 1, "completed": 2]
            guard held.flatMap({ rank[$0] }) ?? -1 < change.rank else { continue }
            behind.append(
                .init(
                    request: id,
                    action: change.action.rawValue,
                    sequence: change.sequence,
                    register: held ?? "missing"
                )
            )
        }
        return behind
    }

    /// A privacy-budget ledger row's key.
    struct SpendingKey: Hashable, Comparable, Sendable {
        var analyst: String
        var region: RegionID
        var period: BudgetPeriod

        static func < (lhs: SpendingKey, rhs: SpendingKey) -> Bool {
            (lhs.analyst, lhs.region.rawValue, lhs.period.start) < (rhs.analyst, rhs.region.rawValue, rhs.period.start)
        }
    }

    /// The privacy budget every `query.run` entry that says `ok` records as spent
    /// (`analyst`, and ε per region as `epsilon.<region>`), summed per ledger row, in the
    /// policy period containing the entry's time. Answers served from a released answer
    /// name no ε and cost nothing.
    func auditedSpending() throws -> [SpendingKey: (micro: Int64, queries: Int64)] {
        var spent: [SpendingKey: (micro: Int64, queries: Int64)] = [:]
        for entry in try trailEntries(action: .queryRun) where entry.outcome == .ok {
            guard case .string(let analyst)? = entry.details["analyst"] else { continue }
            let seconds = entry.time.millisecondsSince1970 / 1000
            for (key, value) in entry.details where key.hasPrefix("epsilon.") {
                let region = RegionID(rawValue: String(key.dropFirst("epsilon.".count)))
                guard configuration.regions[region] != nil, case .string(let text) = value,
                    let cost = PrivacyCost(epsilon: text)
                else { continue }
                let period = BudgetPeriod.containing(
                    seconds,
                    duration: configuration.policy(for: region).anonymization.budgetPeriod
                )
                let key = SpendingKey(analyst: analyst, region: region, period: period)
                let sum = spent[key] ?? (0, 0)
                spent[key] = (sum.micro + cost.microEpsilon, sum.queries + 1)
            }
        }
        return spent
    }

    /// The newest register change the trail records for each request: what a restored
    /// register is compared against. Changes whose COMMIT was recorded as aborted are left out.
    func auditedRegisterChanges() throws -> [String: (action: AuditAction, sequence: UInt64, rank: Int)] {
        let ranks: [AuditAction: Int] = [.dsrOpen: 0, .dsrExtend: 1, .dsrComplete: 2, .dsrRecord: 2]
        var changes: [String: (action: AuditAction, sequence: UInt64, rank: Int)] = [:]
        for (action, rank) in ranks {
            let entries = try trailEntries(action: action)
            let aborted = Set(
                entries.filter { $0.outcome == .aborted }.compactMap { entry -> UInt64? in
                    guard case .integer(let sequence)? = entry.details["aborts"] else { return nil }
                    return UInt64(sequence)
                }
            )
            for entry in entries where entry.outcome == .ok && !aborted.contains(entry.sequence) {
                guard case .string(let id)? = entry.details["request"], DSRRequest.isWellFormedID(id) else { continue }
                if let known = changes[id], known.sequence > entry.sequence { continue }
                changes[id] = (action, entry.sequence, rank)
            }
        }
        return changes
    }
}
