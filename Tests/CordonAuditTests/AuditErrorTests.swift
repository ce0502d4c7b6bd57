import CordonCrypto
import Testing

@testable import CordonAudit

/// AuditError in the one error shape: the description and codes scripts rely on are unchanged.
@Suite("AuditError")
struct AuditErrorTests {
    @Test func descriptionIsTheMessageWithTheCode() {
        let error = AuditError(.tornTail, "the last segment ends with an incomplete line", sequence: 7)
        #expect(error.description == "the last segment ends with an incomplete line [torn_tail]")
        #expect(error.code.description == "torn_tail")
        #expect(error.sequence == 7)
        #expect((error as any CordonError).underlying == nil)
    }
}
