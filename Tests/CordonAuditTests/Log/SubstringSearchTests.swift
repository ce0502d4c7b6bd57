import Testing

@testable import CordonAudit

@Suite("AuditLog substring pre-filter")
struct SubstringSearchTests {
    @Test(arguments: [
        ("abc", "", true), ("abc", "a", true), ("abc", "c", true), ("abc", "bc", true), ("abc", "abc", true),
        ("abc", "abcd", false), ("abc", "d", false), ("", "a", false), ("aab", "ab", true),
        ("\"p-01\",\"p-02\"", "\"p-02\"", true),
        ("\"p-012\"", "\"p-01\"", false),
    ])
    func containsFindsExactlyTheSubstrings(haystack: String, needle: String, expected: Bool) {
        #expect(AuditLog.contains(Array(haystack.utf8)[...], Array(needle.utf8)) == expected)
    }
}
