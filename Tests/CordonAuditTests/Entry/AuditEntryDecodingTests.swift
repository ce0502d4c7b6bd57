import CordonAudit
import Foundation
import Testing

/// The strict decoder on the shared JSON reader (CordonSystem's `JSONParser`): what the
/// reader accepts as JSON, the audit trail still refuses unless it is exactly canonical.
@Suite("AuditEntry decoding")
struct AuditEntryDecodingTests {
    static let line =
        #"{"action":"x","actor":"a","details":{"n":5},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#

    static func decode(_ text: String) throws(AuditError) -> AuditEntry {
        try AuditEntry.decodeCanonical(Array(text.utf8))
    }

    @Test func theCanonicalLineDecodes() throws {
        let entry = try Self.decode(Self.line)
        #expect(entry.sequence == 1 && entry.event.details["n"] == .integer(5))
    }

    @Test(
        "numbers must be integers in Int64, written in shortest form",
        arguments: [
            (#""n":5"#, #""n":5.0"#), (#""n":5"#, #""n":5e0"#), (#""n":5"#, #""n":05"#), (#""n":5"#, #""n":-0"#),
            (#""n":5"#, #""n":9223372036854775808"#), (#""sequence":1"#, #""sequence":1.0"#),
            (#""sequence":1"#, #""sequence":-1"#), (#""sequence":1"#, #""sequence":1E0"#),
        ]
    )
    func refusesOtherNumberForms(old: String, new: String) {
        let line = Self.line.replacingOccurrences(of: old, with: new)
        #expect(throws: AuditError.self, "\(line)") { try Self.decode(line) }
    }

    @Test func refusesARepeatedKeyEvenWithTheSameValue() {
        let line = Self.line.replacingOccurrences(of: #""role":"r","#, with: #""role":"r","role":"r","#)
        let error = #expect(throws: AuditError.self) { try Self.decode(line) }
        #expect(error?.code == .malformed)
        #expect(error?.message == #"field "role" appears twice"#)
    }

    @Test func refusesKeysOutOfOrderAndWhitespace() {
        let reordered = Self.line.replacingOccurrences(
            of: #""action":"x","actor":"a","#,
            with: #""actor":"a","action":"x","#
        )
        #expect(throws: AuditError.self) { try Self.decode(reordered) }
        #expect(throws: AuditError.self) { try Self.decode(Self.line.replacingOccurrences(of: ",", with: ", ")) }
    }

    @Test func aSyntaxErrorSaysWhereItIs() {
        let error = #expect(throws: AuditError.self) { try Self.decode(#"{"action":"x",}"#) }
        #expect(error?.message == #"not JSON: line 1, column 15: expected a string key in double quotes"#)
    }
}
