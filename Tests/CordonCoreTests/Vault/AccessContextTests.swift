import Testing

@testable import CordonCore

/// The role an audit entry names: a token's role, or the operator, Cordon itself, or nobody.
@Suite("AccessContext")
struct AccessContextTests {
    @Test func accessContextsNameTheirRole() {
        #expect(AccessContext(actor: "tok_1", role: .dpo).role == "dpo")
        #expect(AccessContext.commandLine(role: .admin).role == "admin")
        #expect(AccessContext.commandLine().role == "operator")
        #expect(AccessContext.localOperator("test").role == "operator")
        #expect(AccessContext.system("cordon:vault").role == "system")
        let anonymous = AccessContext.unauthenticated(requestID: "req-1")
        #expect(anonymous.role == "none")
        #expect(anonymous.actor == "anonymous")
        #expect(anonymous.requestID == "req-1")
    }
}
