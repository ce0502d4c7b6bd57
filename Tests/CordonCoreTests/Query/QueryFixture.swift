import CordonAudit
import CordonCrypto
import CordonStore
import CordonTestSupport
import Foundation

@testable import CordonCore

/// A vault under the shipped policies with test-sized anonymization parameters (so small
/// generated populations pass partition selection), and helpers to load subjects and
/// events into the EU region.
final class QueryFixture {
    let directory: TemporaryDirectory
    var vault: Vault!
    let configuration: PolicyConfiguration
    let context = AccessContext(actor: "test:analyst", role: .analyst)
    /// 2025-06-15T00:00:00Z: the data below is well within retention.
    static let now: Int64 = 1_749_945_600

    static func configuration(
        epsilon: Double = 3,
        budget: Double = 30,
        maxGroups: Int = 2,
        maxRows: Int = 5,
        delta: Double = 1e-6,
        minSubjects: Int = 5
    ) -> PolicyConfiguration {
        var configuration = VaultFixture.configuration
        for id in configuration.policies.keys {
            configuration.policies[id]!.anonymization.epsilonPerQuery = epsilon
            configuration.policies[id]!.anonymization.budgetPerPeriod = budget
            configuration.policies[id]!.anonymization.maxGroupsPerSubject = maxGroups
            configuration.policies[id]!.anonymization.maxRowsPerGroup = maxRows
            configuration.policies[id]!.anonymization.delta = delta
            configuration.policies[id]!.anonymization.minAggregationSubjects = minSubjects
        }
        return configuration
    }

    init(configuration: PolicyConfiguration = QueryFixture.configuration()) throws {
        directory = try TemporaryDirectory()
        let source = MasterKeySource.keyFile(directory.url.appendingPathComponent("master.key"))
        _ = try DataDirectory.initialize(
            at: directory.url,
            regions: configuration.regions.keys.map(\.rawValue),
            source: source,
            passphraseParameters: .testing
        )
        self.configuration = configuration
        vault = try Vault.open(dataDirectory: directory.url, configuration: configuration, source: source)
    }

    /// Closes and reopens the vault with `audit` settings (a restart).
    func reopen(audit: AuditConfiguration = AuditConfiguration()) throws {
        try vault?.close()
        vault = nil
        vault = try Vault.open(
            dataDirectory: directory.url,
            configuration: configuration,
            source: .keyFile(directory.url.appendingPathComponent("master.key")),
            auditConfiguration: audit
        )
    }

    deinit {
        try? vault?.close()
    }

    func reader(_ lines: [String]) throws -> LineReader {
        let url = directory.url.appendingPathComponent("input-\(UUID().uuidString).ndjson")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return try LineReader(path: url.path)
    }

    func ingest(subjects: [String], events: [String]) throws {
        var options = IngestOptions()
        options.now = Self.now
        if !subjects.isEmpty {
            _ = try vault.ingestSubjects(from: try reader(subjects), context: context, options: options) { _ in }
        }
        if !events.isEmpty {
            _ = try vault.ingestEvents(from: try reader(events), context: context, options: options) { _ in }
        }
    }

    /// `count` German subjects `prefix-0...`, each with `perSubject` events on `channel`.
    func population(
        _ prefix: String,
        count: Int,
        country: String = "DE",
        channel: String = "search",
        event: String = "purchase",
        amount: Int? = 1000,
        perSubject: Int = 1,
        consent: String = "granted"
    ) throws {
        let subjects = (0..<count).map {
            VaultFixture.subject("\(prefix)-\($0)", country: country, consents: [("analytics", consent)])
        }
        var events: [String] = []
        for index in 0..<count {
            for repeatIndex in 0..<perSubject {
                events.append(
                    Self.event(
                        "\(prefix)-\(index)",
                        event: event,
                        channel: channel,
                        amount: amount,
                        minute: repeatIndex
                    )
                )
            }
        }
        try ingest(subjects: subjects, events: events)
    }

    static func event(
        _ externalID: String,
        event: String = "purchase",
        channel: String = "search",
        campaign: String = "cmp-17",
        amount: Int? = 1000,
        day: Int = 1,
        minute: Int = 0,
        purpose: String = "analytics"
    ) -> String {
        let amountText = amount.map { #","amountCents":\#($0)"# } ?? ""
        let ts = String(format: "2025-05-%02dT10:%02d:%02dZ", day, minute / 60 % 60, minute % 60)
        return
            #"{"externalId":"\#(externalID)","ts":"\#(ts)","event":"\#(event)","channel":"\#(channel)","campaign":"\#(campaign)","device":"mobile"\#(amountText),"purpose":"\#(purpose)"}"#
    }

    func query(
        _ text: String,
        purpose: Purpose = .analytics,
        analyst: String = "ana",
        mechanism: NoiseMechanism = .laplace,
        seed: UInt64? = nil
    ) throws -> QueryAnswer {
        let options = QueryOptions(mechanism: mechanism, now: Self.now)
        if let seed {
            var random = SeededNoiseRandomness(seed: seed)
            return try vault.query(
                text,
                purpose: purpose,
                analyst: analyst,
                context: context,
                options: options,
                using: &random
            )
        }
        return try vault.query(text, purpose: purpose, analyst: analyst, context: context, options: options)
    }

    /// `text` parsed, validated and planned (pooled) as a query by "ana" would be, at ``now``.
    func prepare(_ text: String, mechanism: NoiseMechanism = .laplace) throws -> Vault.PreparedQuery {
        try vault.prepare(
            text,
            purpose: .analytics,
            analyst: "ana",
            context: context,
            options: QueryOptions(mechanism: mechanism, now: Self.now),
            now: Self.now
        )
    }

    /// The exact, bounded EU totals of `text` under `purpose`, computed by the engine's own
    /// per-region path (population, compatible collection purposes, retention) before noise.
    func exactEUTotals(_ text: String, purpose: Purpose = .analytics) throws -> RegionTotals {
        let options = QueryOptions(now: Self.now)
        let prepared = try vault.prepare(
            text,
            purpose: purpose,
            analyst: "ana",
            context: context,
            options: options,
            now: Self.now
        )
        guard let plan = prepared.plans.first(where: { $0.region == "eu" }) else {
            throw QueryError(.invalid, "no plan for the EU region")
        }
        return try vault.regionTotals(
            prepared.query,
            plan: plan,
            purpose: purpose,
            hash: ContributionHash(k0: 1, k1: 2),
            now: Self.now
        )
    }
}

extension QueryFixture {
    /// What one region's aggregation takes, prepared as the query engine prepares it.
    struct RegionRun {
        let query: ValidatedQuery
        let plan: RegionPlan
        let sql: RegionSQL
        let lawful: LawfulSubjects
    }

    /// Validates and plans `text`, then runs `body` on the EU store's read connection with
    /// the region's plan, retention cutoffs and lawful subjects at `now`: the exact,
    /// bounded totals a test compares against are one aggregation call away.
    func inEURegion<T: Sendable>(
        _ text: String,
        options: QueryOptions = QueryOptions(),
        _ body: (RegionRun, Connection) throws -> T
    ) throws -> T {
        let catalog = vault.configuration.catalog
        let query = try QueryValidator(catalog: catalog).validate(try QueryParser.parse(text))
        guard
            let plan = try QueryPlanner(configuration: vault.configuration, options: options).plan(query).first(
                where: { $0.region == "eu" })
        else { throw QueryError(.invalid, "no plan for the EU region") }
        let store = try vault.store("eu")
        let (sql, profileCutoff) = try vault.regionSQL(for: "eu", purpose: .analytics, now: Self.now)
        return try store.read { db in
            let lawful = try store.lawfulSubjects(
                for: .analytics,
                now: Self.now,
                profileCutoff: profileCutoff,
                in: db
            )
            return try body(RegionRun(query: query, plan: plan, sql: sql, lawful: lawful), db)
        }
    }
}

extension QueryAnswer {
    /// The noisy value of `column` in the row whose first cell is `key`.
    func value(_ column: String, where key: String) -> NoisyValue? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        for row in rows where row.first == .text(key) {
            if case .number(let value) = row[index] { return value }
        }
        return nil
    }
}
