import Testing

@testable import CordonAudit

/// The canonical writer's rules (audit/FORMAT.md §2), one at a time: escapes, integers,
/// arrays, and objects whose keys are sorted by their UTF-8 bytes.
@Suite("CanonicalJSON")
struct CanonicalJSONTests {
    static func text(_ write: (inout CanonicalJSON) -> Void) -> String {
        var json = CanonicalJSON()
        write(&json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("plain", #""plain""#),
        ("", #""""#),
        (#"a"b"#, #""a\"b""#),
        (#"a\b"#, #""a\\b""#),
        ("tab\tnewline\nnul\u{0}", #""tab\u0009newline\u000anul\u0000""#),
        ("\u{1F}", #""\u001f""#),
        ("/ stays raw", #""/ stays raw""#),
        ("ümlaut ☃", #""ümlaut ☃""#),
        ("\u{7F}", "\"\u{7F}\""),
    ])
    func stringsEscapeOnlyQuotesBackslashesAndControlCharacters(value: String, expected: String) {
        #expect(Self.text { $0.string(value) } == expected)
    }

    @Test func integersAreWrittenInFullWithoutExponentsOrPadding() {
        #expect(Self.text { $0.integer(Int64.min) } == "-9223372036854775808")
        #expect(Self.text { $0.integer(Int64(0)) } == "0")
        #expect(Self.text { $0.integer(UInt64.max) } == "18446744073709551615")
    }

    @Test func arraysKeepTheirOrderWithoutWhitespace() {
        #expect(Self.text { $0.stringArray([]) } == "[]")
        #expect(Self.text { $0.stringArray(["b", "a", "b"]) } == #"["b","a","b"]"#)
    }

    @Test func objectsSortTheirKeysByUTF8Bytes() {
        let object = ["b": 2, "B": 1, "a": 3, "é": 4, "z": 5] as [String: Int64]
        let text = Self.text { json in json.object(object) { $0.integer($1) } }
        // "B" (0x42) < "a" < "b" < "z" < "é" (0xC3 0xA9): bytes, not locale or case.
        #expect(text == #"{"B":1,"a":3,"b":2,"z":5,"é":4}"#)
        #expect(Self.text { json in json.object([String: Int64]()) { $0.integer($1) } } == "{}")
    }

    @Test func canonicallyEquivalentKeysStayDistinctAndOrderedByBytes() {
        // "é" precomposed (C3 A9) and decomposed (65 CC 81): Swift's `<` calls them equal.
        let keys = CanonicalJSON.sortedKeys(["\u{E9}", "e\u{301}", "f"])
        #expect(keys.map { Array($0.utf8) } == [[0x65, 0xCC, 0x81], [0x66], [0xC3, 0xA9]])
    }

    @Test func nestedObjectsAreCanonicalAtEveryLevel() {
        let inner = ["y": ["b", "a"], "x": []]
        let text = Self.text { json in
            json.object(["outer": inner]) { json, value in json.object(value) { $0.stringArray($1) } }
        }
        #expect(text == #"{"outer":{"x":[],"y":["b","a"]}}"#)
    }
}
