import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore
@testable import CordonDemoData

/// Every SQL example in the README's "Queries for analysts" section, run against the demo
/// shop, must release at least one row: the README shows what an analyst gets.
///
/// The demo's full size (20,000 customers, 600,000 events) takes minutes to ingest in a
/// debug build, so the test runs a quarter of it — 5,000 customers and 150,000 events with
/// the same rates, so each group holds about a quarter of the people — at ε = 4 instead of
/// 1 (and the policy minimum of 10 people scaled to 3). Counts shrink by four and the noise
/// scale, like the release threshold, by four too, so each group passes or fails partition
/// selection as it would on the full shop at ε = 1: the same question, the same
/// signal-to-noise. Noise is seeded, so a run is repeatable.
@Suite("DemoData README queries", .serialized)
struct DemoDataReadmeQueryTests {
    /// The last second of the demo year these examples are written for (the README says so).
    static let windowEnd: Int64 = 1_796_083_199  // 2026-11-30T23:59:59Z
    /// The share of the demo shop the test ingests, and ε scaled to match it.
    static let subjectCount = DemoDataOptions.shopSubjectCount / 4
    static let epsilon = 4.0

    @Test func everyReadmeExampleReleasesRows() throws {
        let examples = try Self.readmeExamples()
        #expect(examples.count >= 7, "the README's analyst block lost examples: \(examples.map(\.title))")

        let fixture = try QueryFixture(configuration: Self.configuration())
        try Self.loadDemoShop(into: fixture)
        let options = QueryOptions(now: Self.windowEnd + 3_600)
        for (index, example) in examples.enumerated() {
            var random = SeededNoiseRandomness(seed: UInt64(100 + index))
            let answer = try fixture.vault.query(
                example.sql,
                purpose: "analytics",
                analyst: "readme",
                context: fixture.context,
                options: options,
                using: &random
            )
            let thresholds = answer.privacy.regions.map { "\($0.region): \($0.releaseThreshold)" }
            #expect(
                !answer.rows.isEmpty,
                "README example '\(example.title)' released no row (people needed per group: \(thresholds.joined(separator: ", "))): \(example.sql)"
            )
        }
    }

    @Test func theExamplesAreReadFromTheReadme() throws {
        let examples = try Self.readmeExamples()
        #expect(examples.allSatisfy { $0.sql.uppercased().hasPrefix("SELECT ") && !$0.title.isEmpty })
        #expect(examples.contains { $0.sql.contains("AB(campaign, 'cmp-a', 'cmp-b')") })
    }

    /// One example: the `-- comment` line above it and its SQL, continuation lines joined.
    struct Example {
        var title: String
        var sql: String
    }

    /// The ```sql fence under "### Queries for analysts" in README.md: each example is a
    /// `-- title` line followed by a statement starting with SELECT, over one or more lines.
    static func readmeExamples() throws -> [Example] {
        let readme = try String(contentsOf: VaultFixture.packageRoot.appending(path: "README.md"), encoding: .utf8)
        guard let section = readme.range(of: "### Queries for analysts"),
            let fence = readme.range(of: "```sql\n", range: section.upperBound..<readme.endIndex),
            let close = readme.range(of: "\n```", range: fence.upperBound..<readme.endIndex)
        else {
            Issue.record("README.md has no ```sql block under '### Queries for analysts'")
            return []
        }
        var examples: [Example] = []
        var title = ""
        for rawLine in readme[fence.upperBound..<close.lowerBound].split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("--") {
                title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            } else if line.uppercased().hasPrefix("SELECT ") {
                examples.append(Example(title: title, sql: line))
                title = ""
            } else if !line.isEmpty, !examples.isEmpty {
                examples[examples.count - 1].sql += " " + line
            }
        }
        return examples
    }

    /// The shipped policies with ε and the minimum group size scaled to the test's shop,
    /// and a budget for every example.
    static func configuration() -> PolicyConfiguration {
        var configuration = VaultFixture.configuration
        for id in configuration.policies.keys {
            configuration.policies[id]!.anonymization.epsilonPerQuery = epsilon
            configuration.policies[id]!.anonymization.budgetPerPeriod = epsilon * 20
            configuration.policies[id]!.anonymization.minAggregationSubjects = 3
        }
        return configuration
    }

    /// Generates the scaled demo shop (seed 42, the demo's seed) and ingests it as of an
    /// hour after its window ends.
    static func loadDemoShop(into fixture: QueryFixture) throws {
        let generator = try DemoDataGenerator(
            configuration: fixture.configuration,
            seed: 42,
            options: DemoDataOptions(
                subjectCount: subjectCount,
                eventCount: subjectCount * DemoDataOptions.shopEventsPerSubject,
                invalidRate: 0.01,
                windowEnd: windowEnd
            )
        )
        let directory = fixture.directory.url.appending(path: "demo")
        _ = try generator.generate(into: directory)
        var options = IngestOptions()
        options.now = windowEnd + 3_600
        options.batchSize = 5_000
        let context = AccessContext(actor: "test:demo", role: .ingest)
        let subjects = try fixture.vault.ingestSubjects(
            from: LineReader(path: directory.appending(path: "subjects.ndjson").path),
            context: context,
            options: options
        ) { _ in }
        let events = try fixture.vault.ingestEvents(
            from: LineReader(path: directory.appending(path: "events.ndjson").path),
            context: context,
            options: options
        ) { _ in }
        #expect(subjects.accepted > subjectCount * 3 / 4 && events.accepted > subjectCount * 20)
    }
}
