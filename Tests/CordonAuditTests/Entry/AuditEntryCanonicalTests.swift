import CordonAudit
import Foundation
import Testing

@Suite("AuditEntry canonical JSON")
struct AuditEntryCanonicalTests {
    static let time = AuditTimestamp(rfc3339: "2025-01-31T09:05:03.042Z")!

    static func text(_ entry: AuditEntry) -> String { String(decoding: entry.canonicalBytes(), as: UTF8.self) }

    @Test func encodesKeysSortedWithoutWhitespaceAndOmitsAbsentOptionals() {
        let entry = AuditEntry(
            sequence: 7,
            time: Self.time,
            event: AuditEvent(
                actor: "cli:root",
                role: "admin",
                action: "keys.rotate",
                outcome: .ok,
                requestId: "r1",
                details: ["z": 1, "a": "x"]
            )
        )
        #expect(
            Self.text(entry)
                == #"{"action":"keys.rotate","actor":"cli:root","details":{"a":"x","z":1},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"r1","role":"admin","sequence":7,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#
        )
    }

    @Test func encodesEveryOptionalFieldInItsPlace() {
        let entry = AuditEntry(
            sequence: 0,
            time: Self.time,
            event: AuditEvent(
                actor: "tok_1",
                actorName: "ana lyst",
                role: "analyst",
                action: "query.run",
                regions: ["eu", "us"],
                purpose: "analytics",
                subjects: [],
                outcome: .denied,
                reason: "budget exhausted",
                policyVersions: ["us": "ccpa-1", "eu": "gdpr-2"],
                requestId: "r2",
                query: "SELECT country, COUNT(*) FROM events GROUP BY country",
                privacyCost: PrivacyCost(epsilon: "0.25"),
                details: [:]
            )
        )
        #expect(
            Self.text(entry)
                == #"{"action":"query.run","actor":"tok_1","actorName":"ana lyst","details":{},"outcome":"denied","policyVersions":{"eu":"gdpr-2","us":"ccpa-1"},"privacyCostMicroEpsilon":250000,"purpose":"analytics","query":"SELECT country, COUNT(*) FROM events GROUP BY country","reason":"budget exhausted","regions":["eu","us"],"requestId":"r2","role":"analyst","sequence":0,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#
        )
    }

    @Test func escapesOnlyQuotesBackslashesAndControlCharacters() {
        let entry = AuditEntry(
            sequence: 1,
            time: Self.time,
            event: AuditEvent(
                actor: "a\"b\\c/d\né\u{1F}\u{7F}🙂",
                role: "r",
                action: "x",
                outcome: .error,
                requestId: "q"
            )
        )
        #expect(Self.text(entry).contains(#""actor":"a\"b\\c/d\u000aé\u001f"# + "\u{7F}🙂\""))
    }

    @Test func sortsKeysByTheirUTF8Bytes() {
        let entry = AuditEntry(
            sequence: 1,
            time: Self.time,
            event: AuditEvent(
                actor: "a",
                role: "r",
                action: "x",
                outcome: .ok,
                requestId: "q",
                details: ["é": 1, "z": 2, "Z": 3]
            )
        )
        #expect(Self.text(entry).contains(#""details":{"Z":3,"z":2,"é":1}"#))
    }

    @Test func roundTripsThroughTheStrictDecoder() throws {
        let entry = AuditEntry(sequence: 42, time: Self.time, event: TestSupport.event(42))
        let decoded = try AuditEntry.decodeCanonical(entry.canonicalBytes())
        #expect(decoded == entry)
        #expect(decoded.leafHash == entry.leafHash)
        // Codable (for the HTTP API) uses the same names and round-trips too.
        let viaCodable = try JSONDecoder().decode(AuditEntry.self, from: JSONEncoder().encode(entry))
        #expect(viaCodable == entry)
    }

    static let nonCanonical: [String] = [
        // key order
        #"{"actor":"a","action":"x","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // whitespace
        #"{"action":"x", "actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // escaped slash
        #"{"action":"x","actor":"a\/b","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // needless escape
        #"{"action":"x","actor":"\u0061","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // float
        #"{"action":"x","actor":"a","details":{"n":1.0},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // leading zero
        #"{"action":"x","actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":01,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // null optional
        #"{"action":"x","actor":"a","details":{},"outcome":"ok","policyVersions":{},"purpose":null,"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // unknown field
        #"{"action":"x","actor":"a","details":{},"extra":1,"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // time form
        #"{"action":"x","actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.04Z"}"#,
        // duplicate key
        #"{"action":"x","action":"x","actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // outcome
        #"{"action":"x","actor":"a","details":{},"outcome":"maybe","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        // actorName: before actor, after details, null, not a string
        #"{"action":"x","actorName":"n","actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        #"{"action":"x","actor":"a","details":{},"actorName":"n","outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        #"{"action":"x","actor":"a","actorName":null,"details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        #"{"action":"x","actor":"a","actorName":7,"details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
        #"{"action":"x","actor":"a","actorname":"n","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#,
    ]

    @Test(arguments: nonCanonical)
    func rejectsLinesThatAreNotExactlyCanonical(_ line: String) {
        TestSupport.expectError(.malformed) { _ = try AuditEntry.decodeCanonical(Array(line.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        var bytes = AuditEntry(sequence: 1, time: Self.time, event: TestSupport.event(1)).canonicalBytes()
        let index = bytes.firstIndex(of: UInt8(ascii: "t"))!  // inside "action":"subject.export"
        bytes[index] = 0xFF
        TestSupport.expectError(.malformed) { _ = try AuditEntry.decodeCanonical(bytes) }
    }

    @Test func timestampsFormatAndParseRFC3339WithMilliseconds() {
        #expect(AuditTimestamp(millisecondsSince1970: 0).description == "1970-01-01T00:00:00.000Z")
        #expect(AuditTimestamp(millisecondsSince1970: 951_782_400_123).description == "2000-02-29T00:00:00.123Z")
        #expect(AuditTimestamp(millisecondsSince1970: -1).description == "1969-12-31T23:59:59.999Z")
        #expect(AuditTimestamp(rfc3339: "2000-02-29T00:00:00.123Z")?.millisecondsSince1970 == 951_782_400_123)
        #expect(AuditTimestamp(rfc3339: "2001-02-29T00:00:00.000Z") == nil)
        #expect(AuditTimestamp(rfc3339: "2001-01-01T00:00:00.000+01:00") == nil)
        let now = AuditTimestamp.now()
        #expect(AuditTimestamp(rfc3339: now.description) == now)
    }

    @Test func privacyCostIsExactMicroEpsilon() {
        #expect(PrivacyCost(epsilon: "0.25")?.microEpsilon == 250_000)
        #expect(PrivacyCost(epsilon: "1")?.microEpsilon == 1_000_000)
        #expect(PrivacyCost(epsilon: "0.000001")?.microEpsilon == 1)
        #expect(PrivacyCost(epsilon: "0.0000001") == nil)
        #expect(PrivacyCost(epsilon: "1e-3") == nil)
        #expect(PrivacyCost(microEpsilon: 1_500_000).description == "1.5")
    }
}
