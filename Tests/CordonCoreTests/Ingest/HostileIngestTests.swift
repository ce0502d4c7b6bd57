import Foundation
import Testing

@testable import CordonCore

/// Ingest under hostile or careless input: nothing crashes, every line is accounted for,
/// and refusals say what is wrong without echoing the input or naming server files.
@Suite("Ingest: hostile input")
struct HostileIngestTests {
    @Test("200,000 blank lines before a subject and an event ingest both, counted as blank")
    func blankLinesThroughTheVault() throws {
        let fixture = try VaultFixture()
        let blank = Array(repeating: "", count: 200_000)
        let (subjects, _) = try fixture.ingestSubjects(blank + [VaultFixture.subject("b-1", country: "DE")])
        #expect(subjects.accepted == 1 && subjects.lines == 1 && subjects.blankLines == 200_000)
        let (events, rejections) = try fixture.ingestEvents(blank + [VaultFixture.event("b-1")])
        #expect(rejections.isEmpty)
        #expect(events.accepted == 1 && events.blankLines == 200_000)
    }

    @Test("JSON nested past the parser's depth is one malformed_json refusal that says so")
    func deepNesting() throws {
        let fixture = try VaultFixture()
        let deep = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
        let object = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        let (summary, rejections) = try fixture.ingestSubjects([deep, object])
        #expect(summary.rejected == 2)
        #expect(rejections.allSatisfy { $0.reason == .malformedJSON && $0.message.contains("nesting deeper than") })
    }
}
