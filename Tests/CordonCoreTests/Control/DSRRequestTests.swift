import Foundation
import Testing

@testable import CordonCore

@Suite("DSRRequest")
struct DSRRequestTests {
    static let request = DSRRequest(
        id: "dsr-00112233aabbccdd",
        region: "eu",
        subjectID: ControlFixture.subject,
        externalRef: nil,
        kind: .optOutSaleShare,
        receivedAt: ControlFixture.at("2025-03-15T10:00:00Z"),
        dueAt: ControlFixture.at("2025-04-15T10:00:00Z"),
        status: .open,
        policyID: "gdpr",
        policyVersion: "2026.11.1"
    )

    @Test func daysLeftCountsWholeDaysToTheDeadlineInForce() {
        var request = Self.request
        #expect(request.daysLeft(now: ControlFixture.at("2025-04-05T10:00:00Z")) == 10)
        #expect(request.daysLeft(now: ControlFixture.at("2025-04-15T09:00:00Z")) == 0)
        #expect(!request.isOverdue(now: ControlFixture.at("2025-04-15T10:00:00Z")))
        #expect(request.isOverdue(now: ControlFixture.at("2025-04-15T10:00:01Z")))
        #expect(request.daysLeft(now: ControlFixture.at("2025-04-15T11:00:00Z")) == -1)

        request.extendedDueAt = ControlFixture.at("2025-06-15T10:00:00Z")
        request.status = .extended
        #expect(request.effectiveDueAt == request.extendedDueAt)
        #expect(!request.isOverdue(now: ControlFixture.at("2025-04-16T10:00:00Z")))
        #expect(request.daysLeft(now: ControlFixture.at("2025-06-14T10:00:00Z")) == 1)
    }

    @Test func jsonUsesRFC3339AndPolicySpellingsAndRoundTrips() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(Self.request)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["receivedAt"] as? String == "2025-03-15T10:00:00.000Z")
        #expect(object["dueAt"] as? String == "2025-04-15T10:00:00.000Z")
        #expect(object["effectiveDueAt"] as? String == "2025-04-15T10:00:00.000Z")
        #expect(object["kind"] as? String == "opt_out_sale_share")
        #expect(object["status"] as? String == "open")
        #expect(object["region"] as? String == "eu")
        #expect(object["extendedDueAt"] is NSNull)
        #expect(object["externalRef"] is NSNull)
        #expect(try JSONDecoder().decode(DSRRequest.self, from: data) == Self.request)
    }
}
