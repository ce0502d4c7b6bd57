import CordonSystem
import Testing

@Suite("JSONParser")
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func parsesNestedValuesWithTheirLines() throws {
        let value = try parse("{\n  \"a\": [1, 2.5e-3, true, null],\n  \"b\": {\"c\": \"d\"}\n}")
        guard case .object(let members) = value.kind else {
            Issue.record("expected an object")
            return
        }
        #expect(members.map(\.key) == ["a", "b"])
        #expect(members.map(\.line) == [2, 3])
        guard case .array(let elements) = members[0].value.kind else {
            Issue.record("expected an array")
            return
        }
        #expect(elements.map(\.typeName) == ["integer", "number", "boolean", "null"])
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\n""#, "a\"b\\c/d\n"), (#""\u00e9t\u00E9""#, "été"), (#""\ud83d\ude00""#, "😀"), (#""日本""#, "日本"),
    ])
    func decodesStringEscapes(json: String, expected: String) throws {
        guard case .string(let text) = try parse(json).kind else {
            Issue.record("expected a string")
            return
        }
        #expect(text == expected)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul", "\"a", "\"\\x\"",
        "\"\\ud83d\"", "{\"a\" 1}", "[1 2]", "{} {}", "\"tab\there\"", "NaN",
    ])
    func rejectsInvalidDocuments(json: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(json) }
    }

    @Test func reportsTheLineAndColumnOfASyntaxError() {
        #expect {
            try parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.line == 3 && error.column == 7 && error.message.contains("expected ':'")
        }
    }

    @Test func refusesExcessiveNesting() {
        #expect(throws: JSONSyntaxError.self) {
            try parse(String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
        }
    }
}
