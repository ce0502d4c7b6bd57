import CordonAudit
import CordonServer
import Foundation
import Testing

@testable import CordonCore

/// `GET /v1/audit/checkpoint` serves a recent checkpoint rather than signing one per request.
@Suite("Audit checkpoint endpoint")
struct AuditCheckpointEndpointTests {
    @Test func aCheckpointWithinTheMaximumAgeIsServedAgainAsTheTrailGrows() throws {
        let fixture = try ServerFixture { $0.checkpointMaximumAge = .seconds(3600) }
        let first = fixture.call("GET", "/v1/audit/checkpoint", token: "dpo")
        #expect(first.status == 200)
        let second = fixture.call("GET", "/v1/audit/checkpoint", token: "dpo")
        #expect(second.text == first.text)
        // Each read was audited, after its checkpoint was taken: the trail is longer.
        let served = try Checkpoint.parse(second.text)
        #expect(fixture.vault.auditTreeSize >= served.treeSize + 2)
        #expect(
            try fixture.vault.searchAudit(AuditQuery(action: "http.request", limit: 100))
                .filter { $0.details["route"] == .string("/v1/audit/checkpoint") }.count == 2
        )
    }

    @Test func aZeroMaximumAgeSignsACheckpointOfTheWholeTreeEachTime() throws {
        let fixture = try ServerFixture { $0.checkpointMaximumAge = .zero }
        let first = try Checkpoint.parse(fixture.call("GET", "/v1/audit/checkpoint", token: "dpo").text)
        #expect(first.treeSize == fixture.vault.auditTreeSize - 1)  // all but the read's own entry
        let second = try Checkpoint.parse(fixture.call("GET", "/v1/audit/checkpoint", token: "dpo").text)
        #expect(second.treeSize == first.treeSize + 1)
        #expect(second.rootHash == (try fixture.vault.audit.rootHash(treeSize: second.treeSize)))
    }
}
