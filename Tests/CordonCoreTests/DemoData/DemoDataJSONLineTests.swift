import Testing

@testable import CordonCore
@testable import CordonDemoData

@Suite("DemoJSONLine")
struct DemoDataJSONLineTests {
    @Test(arguments: [
        (Int64(0), "\"1970-01-01T00:00:00Z\""), (1_709_164_800, "\"2024-02-29T00:00:00Z\""),
        (1_735_689_600, "\"2025-01-01T00:00:00Z\""), (1_767_225_599, "\"2025-12-31T23:59:59Z\""),
        (951_782_400, "\"2000-02-29T00:00:00Z\""), (-1, "\"1969-12-31T23:59:59Z\""),
    ])
    func timestampsAreRFC3339UTC(seconds: Int64, expected: String) {
        var line = DemoJSONLine()
        line.timestamp(seconds)
        #expect(String(decoding: line.bytes, as: UTF8.self) == expected)
    }

    @Test func keysKeepTheirOrderAndStringsAreEscaped() {
        var line = DemoJSONLine()
        line.beginObject()
        line.field("b", "quote \" backslash \\ tab \t bell \u{7}")
        line.field("a", -42)
        line.key("list")
        line.beginArray()
        line.bool(true)
        line.string("Müller 王")
        line.endArray()
        line.endObject()
        line.endLine()
        #expect(
            String(decoding: line.bytes, as: UTF8.self)
                == "{\"b\":\"quote \\\" backslash \\\\ tab \\t bell \\u0007\",\"a\":-42,\"list\":[true,\"Müller 王\"]}\n"
        )
    }
}
