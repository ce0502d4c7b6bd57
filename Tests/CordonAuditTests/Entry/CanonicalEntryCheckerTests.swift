import CordonTestSupport
import Foundation
import Testing

@testable import CordonAudit

/// The byte-level checker accepts exactly what the reference check (decode, re-encode,
/// compare the bytes: ``AuditEntry/decodeCanonical(_:)``) accepts.
@Suite("CanonicalEntryChecker")
struct CanonicalEntryCheckerTests {
    static let time = AuditTimestamp(rfc3339: "2025-01-31T09:05:03.042Z")!

    /// What the reference check says: the sequence number, or `nil` when it throws.
    static func reference(_ line: [UInt8]) -> UInt64? {
        try? AuditEntry.decodeCanonical(line).sequence
    }

    static func checker(_ line: [UInt8]) -> UInt64? {
        CanonicalEntryChecker.sequence(ofCanonicalLine: line)
    }

    /// Entries covering every field, escapes, non-ASCII, integer extremes and key orders.
    static let entries: [AuditEntry] = [
        AuditEntry(sequence: 0, time: time, event: TestSupport.event(0)),
        AuditEntry(
            sequence: 1,
            time: AuditTimestamp(rfc3339: "2000-02-29T23:59:59.999Z")!,
            event: AuditEvent(
                actor: "a\"b\\c/d\né\u{0}\u{1F}\u{7F}🙂",
                actorName: "n\"\u{1}é",
                role: "r",
                action: "x",
                regions: ["eu", "", "日本"],
                purpose: "p",
                subjects: ["ps_1", "ps_2"],
                outcome: .error,
                reason: "why \"quoted\"",
                policyVersions: ["eu": "gdpr", "\"": "q", "#": "h", "\u{1}": "ctl", "é": "e", "Z": "z"],
                requestId: "q",
                query: "SELECT 1\tFROM t",
                privacyCost: PrivacyCost(microEpsilon: -5),
                details: ["min": .integer(Int64.min), "max": .integer(Int64.max), "zero": 0, "\\": "b", "K": "k"]
            )
        ),
        AuditEntry(
            sequence: UInt64(Int64.max),
            time: AuditTimestamp(rfc3339: "9999-12-31T23:59:59.999Z")!,
            event: AuditEvent(actor: "", role: "", action: "", outcome: .denied, requestId: "")
        ),
        AuditEntry(
            sequence: 10,
            time: AuditTimestamp(rfc3339: "0000-01-01T00:00:00.000Z")!,
            event: AuditEvent(
                actor: "cli:root",
                role: "admin",
                action: "keys.rotate",
                outcome: .ok,
                requestId: "r",
                query: ""
            )
        ),
    ]

    @Test func acceptsEveryLineTheWriterProduces() {
        for entry in Self.entries {
            let line = entry.canonicalBytes()
            #expect(Self.reference(line) == entry.sequence, "\(String(decoding: line, as: UTF8.self))")
            #expect(Self.checker(line) == entry.sequence, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    static let base =
        #"{"action":"x","actor":"a","details":{},"outcome":"ok","policyVersions":{},"regions":[],"requestId":"q","role":"r","sequence":1,"subjects":[],"time":"2025-01-31T09:05:03.042Z"}"#

    /// `base` with one substring replaced.
    static func edit(_ old: String, _ new: String) -> String {
        precondition(base.contains(old))
        return base.replacingOccurrences(of: old, with: new)
    }

    static let nonCanonical: [String] =
        AuditEntryCanonicalTests.nonCanonical + [
            "", "{}", " " + base, base + " ", base + "\n", "\u{FEFF}" + base, String(base.dropLast()),
            edit(#""actor":"a""#, #""actor":"a\u000A""#),  // uppercase hex
            edit(#""actor":"a""#, #""actor":"a\n""#),  // short escape
            edit(#""actor":"a""#, #""actor":"a\u007f""#),  // needless escape of DEL
            edit(#""actor":"a""#, #""actor":"a\u0020""#),
            edit(#""actor":"a""#, #""actor":"\ud83d\ude42""#),  // escaped surrogate pair
            edit(#""actor":"a""#, "\"actor\":\"a\u{1}\""),  // raw control character
            edit(#""actor":"a""#, "\"actor\":\"a\t\""),
            edit(#""actor":"a""#, #""actor":"a\x""#),
            edit(#""actor":"a""#, #""actor":"a\""#),
            edit(#""actor":"a""#, #""actor":1"#),
            edit(#""actor":"a""#, #""actor":null"#),
            edit(#""actor":"a""#, #""actor":true"#),
            edit(#""actor":"a""#, #""actor":["a"]"#),
            edit(#""sequence":1"#, #""sequence":-1"#),
            edit(#""sequence":1"#, #""sequence":-0"#),
            edit(#""sequence":1"#, #""sequence":+1"#),
            edit(#""sequence":1"#, #""sequence":1e0"#),
            edit(#""sequence":1"#, #""sequence":"1""#),
            edit(#""sequence":1"#, #""sequence":9223372036854775808"#),
            edit(#""sequence":1"#, #""sequence":99999999999999999999"#),
            edit(#""details":{}"#, #""details":{"n":-0}"#),
            edit(#""details":{}"#, #""details":{"n":00}"#),
            edit(#""details":{}"#, #""details":{"n":-9223372036854775809}"#),
            edit(#""details":{}"#, #""details":{"n":9223372036854775808}"#),
            edit(#""details":{}"#, #""details":{"b":1,"a":2}"#),  // unsorted
            edit(#""details":{}"#, #""details":{"a":1,"a":2}"#),  // duplicate
            edit(#""details":{}"#, ##""details":{"#":1,"\"":2}"##),  // sorted by escaped, not decoded, bytes
            edit(#""details":{}"#, "\"details\":{\"K\":1,\"\u{212A}\":2}"),  // KELVIN SIGN equals K as a Swift string
            edit(#""details":{}"#, "\"details\":{\"e\u{301}\":1,\"é\":2}"),  // canonically equivalent keys
            edit(#""details":{}"#, #""details":{"a":[]}"#),
            edit(#""details":{}"#, #""details":{"a":{}}"#),
            edit(#""details":{}"#, #""details":{"a":null}"#),
            edit(#""details":{}"#, #""details":{"a":1,}"#),
            edit(#""details":{}"#, #""details":[]"#),
            edit(#""policyVersions":{}"#, #""policyVersions":{"eu":1}"#),
            edit(#""regions":[]"#, #""regions":[1]"#),
            edit(#""regions":[]"#, #""regions":["a",]"#),
            edit(#""regions":[]"#, #""regions":{}"#),
            edit(#""outcome":"ok""#, #""outcome":"OK""#),
            edit(#""outcome":"ok""#, #""outcome":"o\u006b""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-02-30T09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"1900-02-29T09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T24:00:00.000Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T09:60:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T09:05:60.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-13-31T09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-00-31T09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-00T09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31 09:05:03.042Z""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T09:05:03.042+00:00""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T09:05:03.04aZ""#),
            edit(#""time":"2025-01-31T09:05:03.042Z""#, #""time":"2025-01-31T09:05:03.042z""#),
            edit(#""actor":"a","#, #""actor":"a","actorName":1,"#),
            edit(#""actor":"a","#, #""actor":"a","actorName":null,"#),
            edit(#""actor":"a","#, #""actor":"a","actorName":"n","actorName":"n","#),
            edit(#""actor":"a","#, #""actorName":"n","actor":"a","#),
            edit(#""details":{},"#, #""details":{},"actorName":"n","#),
            edit(#""requestId":"q","#, ""),  // a required field missing
            edit(#""regions":[],"#, #""reason":"r","regions":[],"purpose":"p","#),  // optionals out of order
        ]

    @Test(arguments: nonCanonical)
    func rejectsWhatTheReferenceRejects(_ line: String) {
        let bytes = Array(line.utf8)
        #expect(Self.reference(bytes) == nil, "the reference accepts \(line)")
        #expect(Self.checker(bytes) == nil, "the checker accepts \(line)")
    }

    /// Ill-formed UTF-8 inside a string (overlong, surrogate, above U+10FFFF, truncated,
    /// stray continuation), and the boundaries of well-formed UTF-8 around them.
    @Test(
        arguments: [
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x80, 0x80, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0x80], [0xC3], [0xE2, 0x82],
            [0xF0, 0x9F, 0x99],
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ] as [[UInt8]]
    )
    func agreesOnUTF8(_ sequence: [UInt8]) {
        var line = Array(Self.base.utf8)
        let value = Array(#""actor":"a"#.utf8)  // insert after the a of the actor's value
        let at = line.indices.first { line[$0...].starts(with: value) }! + value.count
        line.insert(contentsOf: sequence, at: at)
        #expect(Self.checker(line) == Self.reference(line), "\(sequence)")
    }

    /// Random edits of canonical lines: deleted, inserted, replaced and duplicated bytes,
    /// drawn from the bytes that matter to the grammar.
    @Test func agreesWithTheReferenceOnMutatedLines() {
        var random = SeededGenerator(seed: 0x5EED_A0D1)
        let alphabet: [UInt8] =
            Array(#"{}[]":,\-+.0123456789eEuUabfnrtxZT /"#.utf8) + [
                0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xA9, 0xE2, 0x84, 0xAA, 0xED, 0xF0, 0xFF,
            ]
        let lines = Self.entries.map { $0.canonicalBytes() } + [Array(Self.base.utf8)]
        var accepted = 0
        for iteration in 0..<20_000 {
            var line = lines[iteration % lines.count]
            for _ in 0...Int(random.next() % 3) {
                let position = Int(random.next() % UInt64(line.count + 1))
                switch random.next() % 5 {
                case 0 where position < line.count: line.remove(at: position)
                case 1: line.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                case 2 where position < line.count:
                    line[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 3 where position < line.count:
                    let end = min(line.count, position + 1 + Int(random.next() % 12))
                    line.insert(contentsOf: line[position..<end], at: position)
                default:
                    if position < line.count { line[position] ^= UInt8(1 << (random.next() % 8)) }
                }
            }
            let expected = Self.reference(line)
            if expected != nil { accepted += 1 }
            #expect(Self.checker(line) == expected, "\(String(decoding: line, as: UTF8.self)) \(line)")
        }
        #expect(accepted > 100, "the mutations should also produce canonical lines (changed values)")
    }
}
