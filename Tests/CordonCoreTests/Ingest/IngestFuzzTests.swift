import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// Random and mutated NDJSON lines through the vault's ingest: nothing crashes or throws,
/// every line is accounted for, and no refusal names a server file or echoes personal data.
@Suite("Fuzz: ingest lines")
struct IngestFuzzTests {
    static let fragments = [
        "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-1", "1e999", "0.5", "\"\\u0000\"", "\\", "\\ud800",
        "\"9999-12-31T23:59:59Z\"", "\"1969-12-31T23:59:59Z\"", "\"2025-02-30T00:00:00Z\"", "999999999999999999999",
        String(repeating: "[", count: 200), String(repeating: "{\"a\":", count: 100), "\"country\":\"XX\"",
        "\"ts\":", "\"pii\":{}", "\"consents\":[{}]", "\"externalId\":\"\"", String(repeating: "x", count: 300),
        "\u{FEFF}", "\r", "\t", "\u{00}", "é", "\u{202E}",
    ]
    static let countries = ["DE", "FR", "GB", "US", "CN", "BR", "PL", "XX", "de"]

    @Test("random and mutated subject and event lines", arguments: [1, 2, 3] as [UInt64])
    func randomAndMutatedLines(seed: UInt64) throws {
        var random = FuzzRandom(seed: seed)
        let fixture = try VaultFixture()
        let emails = (0..<40).map { "person\($0)@example.com" }
        let subjects = (0..<40).map { index in
            VaultFixture.subject(
                "f-\(index)",
                country: random.pick(Self.countries),
                email: emails[index],
                consents: [("analytics", random.pick(["granted", "withdrawn"]))]
            )
        }
        let subjectLines = subjects.map { Array($0.utf8) } + (0..<200).map { _ in line(&random, from: subjects) }
        let (subjectSummary, subjectRejections) = try ingest(subjectLines, kind: "subjects", into: fixture)
        check(subjectSummary, subjectRejections, lines: subjectLines.count, fixture: fixture, emails: emails)

        let events = (0..<40).map { index in
            VaultFixture.event("f-\(index)", ts: "2025-0\(random.pick([1, 3, 6]))-01T10:00:00Z")
        }
        let eventLines = events.map { Array($0.utf8) } + (0..<200).map { _ in line(&random, from: events) }
        let (eventSummary, eventRejections) = try ingest(eventLines, kind: "events", into: fixture)
        check(eventSummary, eventRejections, lines: eventLines.count, fixture: fixture, emails: emails)
        #expect(subjectSummary.accepted > 0 && eventSummary.accepted > 0, "the valid lines still get in")
    }

    /// A mutated valid line (mostly), or random bytes; invalid UTF-8 included.
    private func line(_ random: inout FuzzRandom, from valid: [String]) -> [UInt8] {
        random.chance(0.85)
            ? random.mutateLine(Array(random.pick(valid).utf8), fragments: Self.fragments)
            : random.bytes(maximum: 120)
    }

    /// Ingests `lines` as raw bytes (the reader an HTTP body gets).
    private func ingest(
        _ lines: [[UInt8]],
        kind: String,
        into fixture: VaultFixture
    ) throws -> (IngestSummary, [LineRejection]) {
        var rejections: [LineRejection] = []
        let reader = LineReader(bytes: Array(lines.joined(separator: [0x0A])))
        var options = IngestOptions()
        options.now = 1_767_225_600  // 2026-01-01
        let summary =
            kind == "subjects"
            ? try fixture.vault.ingestSubjects(from: reader, context: fixture.context, options: options) {
                rejections.append($0)
            }
            : try fixture.vault.ingestEvents(from: reader, context: fixture.context, options: options) {
                rejections.append($0)
            }
        return (summary, rejections)
    }

    private func check(
        _ summary: IngestSummary,
        _ rejections: [LineRejection],
        lines: Int,
        fixture: VaultFixture,
        emails: [String]
    ) {
        #expect(summary.accepted + summary.rejected == summary.lines)
        #expect(summary.lines + summary.blankLines == lines)
        #expect(rejections.count == summary.rejected)
        for rejection in rejections {
            #expect((1...lines).contains(rejection.line))
            #expect(!rejection.message.contains(fixture.directory.url.path), "\(rejection.message)")
            #expect(!emails.contains { rejection.message.contains($0) }, "\(rejection.message)")
        }
    }
}
