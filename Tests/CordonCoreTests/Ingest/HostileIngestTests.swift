import CordonTestSupport
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

    static let now: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z

    static func at(_ seconds: Int64) -> String { CivilTime.timestampLabel(seconds) }

    @Test("events dated 9999-12-31, before 1970, or past the clock skew are invalid_field naming ts")
    func implausibleEventTimes() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("p-1", country: "DE")], now: Self.now)
        let (summary, rejections) = try fixture.ingestEvents(
            [
                VaultFixture.event("p-1", ts: "9999-12-31T23:59:59Z"),
                VaultFixture.event("p-1", ts: "1969-12-31T23:59:59Z"),
                VaultFixture.event("p-1", ts: Self.at(Self.now + 86_401)),
                VaultFixture.event("p-1", ts: Self.at(Self.now + 86_400)),
                VaultFixture.event("p-1", ts: "1970-01-01T00:00:00Z"),
            ],
            now: Self.now
        )
        #expect(summary.accepted == 2)
        #expect(rejections.map(\.line) == [1, 2, 3])
        #expect(rejections.allSatisfy { $0.reason == .invalidField && $0.field == "ts" })
        #expect(rejections[0].message == "ts: is more than 24 h in the future (the allowed clock skew)")
        #expect(rejections[1].message == "ts: is before 1970-01-01T00:00:00Z")
    }

    @Test("the clock skew is configurable")
    func configurableSkew() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("p-2", country: "DE")], now: Self.now)
        var options = IngestOptions()
        options.now = Self.now
        options.maximumClockSkew = 60
        var rejections: [LineRejection] = []
        let summary = try fixture.vault.ingestEvents(
            from: try fixture.reader([
                VaultFixture.event("p-2", ts: Self.at(Self.now + 60)),
                VaultFixture.event("p-2", ts: Self.at(Self.now + 61)),
            ]),
            context: fixture.context,
            options: options
        ) { rejections.append($0) }
        #expect(summary.accepted == 1 && rejections.map(\.line) == [2])
        #expect(rejections.first?.message.contains("more than 1 min in the future") == true)
    }

    @Test("consents recorded in the future or before 1970, or expiring before they were recorded, are refused")
    func implausibleConsentTimes() throws {
        let fixture = try VaultFixture()
        func subject(_ id: String, recordedAt: String, expiresAt: String? = nil) -> String {
            let expiry = expiresAt.map { #","expiresAt":"\#($0)""# } ?? ""
            return
                #"{"externalId":"\#(id)","country":"DE","birthYear":1985,"consents":[{"purpose":"analytics","state":"granted","source":"t","recordedAt":"\#(recordedAt)"\#(expiry)}]}"#
        }
        let (summary, rejections) = try fixture.ingestSubjects(
            [
                subject("q-1", recordedAt: "9999-12-31T00:00:00Z"),
                subject("q-2", recordedAt: "1969-07-20T20:17:00Z"),
                subject("q-3", recordedAt: "2025-03-01T10:00:00Z", expiresAt: "2025-02-01T00:00:00Z"),
                subject("q-4", recordedAt: "2025-03-01T10:00:00Z", expiresAt: "9999-12-31T00:00:00Z"),
            ],
            now: Self.now
        )
        #expect(summary.accepted == 1)
        #expect(
            rejections.map(\.field) == [
                "consents[0].recordedAt", "consents[0].recordedAt", "consents[0].expiresAt",
            ]
        )
        #expect(rejections.allSatisfy { $0.reason == .invalidField })
    }

    @Test("a store that cannot be read refuses only its lines, and no rejection names a server file")
    func unreadableStoreIsRefusedWithoutPaths() throws {
        let fixture = try VaultFixture()
        try fixture.ingestSubjects([VaultFixture.subject("u-1", country: "DE")])
        try fixture.vault.close()
        fixture.vault = nil
        let file = fixture.directory.url.appendingPathComponent("regions/eu.db")
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()
        try? FileManager.default.removeItem(atPath: file.path + "-wal")
        try fixture.reopen()
        var rejections: [LineRejection] = []
        let summary = try fixture.vault.ingestEvents(
            from: try fixture.reader([VaultFixture.event("u-1")]),
            context: fixture.context
        ) {
            rejections.append($0)
        }
        #expect(summary.accepted == 0)
        #expect(rejections.map(\.reason) == [.regionUnavailable])
        #expect(summary.unavailableRegions == ["eu": "store_corrupt"])
        #expect(!rejections.contains { $0.message.contains(fixture.directory.url.path) }, "\(rejections)")
        #expect(!rejections.contains { $0.message.contains("/") }, "\(rejections)")
    }

    static let csv = ["externalId,country,birthYear", "c-1,DE,1990", "c-2,FR,1985"]
    static let array = [#"[{"externalId":"c-1","country":"DE"},{"externalId":"c-2","country":"FR"}]"#]
    static let pretty = ["{", #"  "externalId": "c-1","#, #"  "country": "DE""#, "}"]

    @Test(
        "a wrong input is named once when every line was refused",
        arguments: [
            ("subjects", csv, InputShape.csv), ("subjects", ["id\tcountry", "c-1\tDE"], .csv),
            ("subjects", array, .jsonArray), ("events", ["[", "  {}", "]"], .jsonArray),
            ("subjects", pretty, .prettyPrintedJSON),
            ("subjects", [VaultFixture.event("c-1"), VaultFixture.event("c-2")], .eventLines),
            (
                "events", [VaultFixture.subject("c-1", country: "DE"), #"{"externalId":"c-2","country":"FR"}"#],
                .subjectLines
            ),
        ] as [(String, [String], InputShape)]
    )
    func namesTheShape(_ kind: String, _ lines: [String], _ shape: InputShape) throws {
        let fixture = try VaultFixture()
        let (summary, rejections) = try kind == "subjects" ? fixture.ingestSubjects(lines) : fixture.ingestEvents(lines)
        #expect(summary.accepted == 0 && rejections.count == summary.lines)
        #expect(summary.looksLike == shape && summary.hint == shape.hint)
    }

    @Test("a legitimate file with bad first lines, or plain garbage, gets no guess")
    func noFalseGuesses() throws {
        let fixture = try VaultFixture()
        let (mixed, _) = try fixture.ingestSubjects(Self.csv + [VaultFixture.subject("ok-1", country: "DE")])
        #expect(mixed.accepted == 1 && mixed.rejected == 3 && mixed.looksLike == nil && mixed.hint == nil)
        let (garbage, _) = try fixture.ingestSubjects(["hello", "world"])
        #expect(garbage.accepted == 0 && garbage.looksLike == nil)
        let (refused, _) = try fixture.ingestSubjects([#"{"externalId":"x-1","country":"XX"}"#])
        #expect(refused.accepted == 0 && refused.looksLike == nil)
        #expect(InputShape.guess([], kind: "subjects") == nil)
    }
}
