import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

@Suite("DSRRegister")
struct DSRRegisterTests {
    struct DeadlineCase: CustomTestStringConvertible, Sendable {
        var policy: PolicyID
        var region: RegionID
        var right: Right
        var received: String
        var due: String
        /// The extended deadline, or nil when the policy allows none.
        var extended: String?

        var testDescription: String { "\(policy) \(right.rawValue) received \(received)" }
    }

    static let deadlines: [DeadlineCase] = [
        // GDPR Art. 12(3): one calendar month; the 31st falls back to the month's last day.
        .init(
            policy: "gdpr",
            region: "eu",
            right: .access,
            received: "2025-01-31T08:00:00Z",
            due: "2025-02-28T08:00:00Z",
            extended: "2025-04-30T08:00:00Z"
        ),
        .init(
            policy: "gdpr",
            region: "eu",
            right: .erasure,
            received: "2025-03-15T10:30:00Z",
            due: "2025-04-15T10:30:00Z",
            extended: "2025-06-15T10:30:00Z"
        ),
        .init(
            policy: "uk-gdpr",
            region: "uk",
            right: .rectification,
            received: "2025-03-15T10:30:00Z",
            due: "2025-04-15T10:30:00Z",
            extended: "2025-06-15T10:30:00Z"
        ),
        // CCPA 1798.130(a)(2)(A): 45 days, once extendable by 45.
        .init(
            policy: "ccpa",
            region: "us",
            right: .access,
            received: "2025-01-01T12:00:00Z",
            due: "2025-02-15T12:00:00Z",
            extended: "2025-04-01T12:00:00Z"
        ),
        // 11 CCR 7026(f): 15 business days, no extension; Friday receipt.
        .init(
            policy: "ccpa",
            region: "us",
            right: .optOutSaleShare,
            received: "2025-01-03T08:00:00Z",
            due: "2025-01-24T08:00:00Z",
            extended: nil
        ),
        // LGPD Art. 19 II: 15 days, no extension.
        .init(
            policy: "lgpd",
            region: "br",
            right: .access,
            received: "2025-01-01T12:00:00Z",
            due: "2025-01-16T12:00:00Z",
            extended: nil
        ),
        // PIPL: 15 working days, weekends skipped (Friday receipt → three weeks later).
        .init(
            policy: "pipl",
            region: "cn",
            right: .erasure,
            received: "2025-01-03T08:00:00Z",
            due: "2025-01-24T08:00:00Z",
            extended: nil
        ),
        .init(
            policy: "pipl",
            region: "cn",
            right: .access,
            received: "2025-01-04T23:00:00Z",
            due: "2025-01-24T23:00:00Z",
            extended: nil
        ),
    ]

    @Test(arguments: deadlines)
    func deadlinesFollowTheLawsCalendarRule(_ example: DeadlineCase) throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(
            example.right,
            region: example.region,
            policy: example.policy,
            received: example.received
        )
        #expect(request.dueAt == ControlFixture.at(example.due))
        #expect(request.status == .open)
        #expect(request.policyID == example.policy)
        #expect(request.policyVersion == ControlFixture.policy(example.policy).version)
        #expect(request.id.hasPrefix("dsr-") && request.id.count == 20)

        let now = ControlFixture.at(example.received).addingTimeInterval(3600)
        if let extended = example.extended {
            let extendedRequest = try fixture.register.extend(
                id: request.id,
                reason: "many systems to search",
                now: now
            )
            #expect(extendedRequest.extendedDueAt == ControlFixture.at(extended))
            #expect(extendedRequest.effectiveDueAt == ControlFixture.at(extended))
            #expect(extendedRequest.status == .extended)
        } else {
            let error = controlError { try fixture.register.extend(id: request.id, reason: "busy", now: now) }
            #expect(error?.code == .noExtension)
            #expect(error?.message.contains("allows no extension for \(example.right.rawValue) requests") == true)
            #expect(error?.message.contains("must be answered by \(Timestamp.format(request.dueAt))") == true)
        }
    }

    @Test(arguments: [("gdpr", "eu"), ("lgpd", "br"), ("pipl", "cn")] as [(PolicyID, RegionID)])
    func aRightThePolicyDoesNotProvideIsRefused(policy: PolicyID, region: RegionID) throws {
        let fixture = try ControlFixture()
        let error = controlError {
            _ = try fixture.open(.optOutSaleShare, region: region, policy: policy, received: "2025-01-01T00:00:00Z")
        }
        #expect(error?.code == .rightNotProvided)
        #expect(error?.message.contains("does not provide the right 'opt_out_sale_share'") == true)
        #expect(try fixture.register.list(filter: .all, now: Date()).isEmpty)
    }

    @Test func receiptIsKeptToTheSecond() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-01-31T08:00:00.750Z")
        #expect(request.receivedAt == ControlFixture.at("2025-01-31T08:00:00Z"))
        #expect(try fixture.register.request(id: request.id) == request)
    }

    @Test func extendingRequiresAReason() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-03-15T10:00:00Z")
        let now = ControlFixture.at("2025-03-20T10:00:00Z")
        for reason in [nil, "", "   "] as [String?] {
            let error = controlError { try fixture.register.extend(id: request.id, reason: reason, now: now) }
            #expect(error?.code == .reasonRequired)
        }
        #expect(try fixture.register.request(id: request.id).status == .open)
        let extended = try fixture.register.extend(id: request.id, reason: " complex request ", now: now)
        #expect(extended.extensionReason == "complex request")
    }

    @Test func aDeadlineIsExtendedOnlyOnce() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-03-15T10:00:00Z")
        let now = ControlFixture.at("2025-03-20T10:00:00Z")
        try fixture.register.extend(id: request.id, reason: "complex", now: now)
        let error = controlError { try fixture.register.extend(id: request.id, reason: "again", now: now) }
        #expect(error?.code == .alreadyExtended)
        #expect(error?.message.contains("only once") == true)
        #expect(try fixture.register.request(id: request.id).extensionReason == "complex")
    }

    @Test func anExtensionAfterTheOriginalDeadlineIsRefused() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-03-15T10:00:00Z")
        // Exactly at the deadline is still in time.
        let onTime = try fixture.open(received: "2025-03-15T10:00:00Z")
        try fixture.register.extend(id: onTime.id, reason: "complex", now: ControlFixture.at("2025-04-15T10:00:00Z"))

        let error = controlError {
            try fixture.register.extend(
                id: request.id,
                reason: "complex",
                now: ControlFixture.at("2025-04-15T10:00:01Z")
            )
        }
        #expect(error?.code == .extensionTooLate)
        #expect(error?.message.contains("not lawful") == true)
        #expect(error?.message.contains("GDPR Art. 12(3)") == true)
        #expect(try fixture.register.request(id: request.id).extendedDueAt == nil)
    }

    @Test func completingRecordsTheOutcomeOnce() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-03-15T10:00:00Z")
        let now = ControlFixture.at("2025-03-18T09:00:00.400Z")
        let completed = try fixture.register.complete(id: request.id, outcome: "export sent", now: now)
        #expect(completed.status == .completed)
        #expect(completed.completedAt == ControlFixture.at("2025-03-18T09:00:00Z"))
        #expect(completed.outcome == "export sent")
        #expect(try fixture.register.request(id: request.id) == completed)

        #expect(
            controlError { try fixture.register.complete(id: request.id, outcome: nil, now: now) }?.code
                == .alreadyCompleted
        )
        #expect(
            controlError { try fixture.register.extend(id: request.id, reason: "x", now: now) }?.code
                == .alreadyCompleted
        )
    }

    @Test func aLateRequestCanStillBeCompleted() throws {
        let fixture = try ControlFixture()
        let request = try fixture.open(received: "2025-01-01T10:00:00Z")
        let late = ControlFixture.at("2025-03-01T00:00:00Z")
        #expect(request.isOverdue(now: late))
        let completed = try fixture.register.complete(id: request.id, outcome: nil, now: late)
        #expect(!completed.isOverdue(now: late))
        #expect(completed.completedAt! > completed.effectiveDueAt)
    }

    @Test func listFiltersByStatusAndDeadlineAtAGivenTime() throws {
        let fixture = try ControlFixture()
        let early = try fixture.open(received: "2025-01-10T00:00:00Z")  // due 2025-02-10
        let extended = try fixture.open(received: "2025-01-05T00:00:00Z")  // due 2025-02-05 → 2025-04-05
        let done = try fixture.open(received: "2025-01-01T00:00:00Z")  // due 2025-02-01
        let lgpd = try fixture.open(region: "br", policy: "lgpd", received: "2025-01-20T00:00:00Z")  // due 2025-02-04
        try fixture.register.extend(id: extended.id, reason: "complex", now: ControlFixture.at("2025-01-20T00:00:00Z"))
        try fixture.register.complete(id: done.id, outcome: "erased", now: ControlFixture.at("2025-01-15T00:00:00Z"))

        let now = ControlFixture.at("2025-02-06T00:00:00Z")
        func ids(_ filter: DSRRequest.Filter) throws -> [String] {
            try fixture.register.list(filter: filter, now: now).map(\.id)
        }
        // Sorted by the deadline in force.
        #expect(try ids(.all) == [done.id, lgpd.id, early.id, extended.id])
        #expect(try ids(.open) == [lgpd.id, early.id, extended.id])
        #expect(try ids(.extended) == [extended.id])
        #expect(try ids(.completed) == [done.id])
        #expect(try ids(.overdue) == [lgpd.id])
        #expect(
            try fixture.register.list(filter: .overdue, now: ControlFixture.at("2025-02-11T00:00:00Z")).map(\.id)
                == [lgpd.id, early.id]
        )
        #expect(try fixture.register.list(filter: .overdue, now: ControlFixture.at("2025-01-01T00:00:00Z")).isEmpty)
    }

    @Test func requestsSurviveReopeningTheStore() throws {
        let directory = try TemporaryDirectory()
        let id: String
        do {
            let register = RegisterDriver(store: try ControlStore.open(dataDirectory: directory.url, create: true))
            id = try register.open(
                kind: .erasure,
                region: "eu",
                policy: ControlFixture.policy("gdpr"),
                subjectID: nil,
                externalRef: "ZD-4521",
                receivedAt: ControlFixture.at("2025-03-15T10:00:00Z")
            ).id
            try register.extend(id: id, reason: "complex", now: ControlFixture.at("2025-03-16T10:00:00Z"))
        }
        let reopened = RegisterDriver(store: try ControlStore.open(dataDirectory: directory.url))
        let request = try reopened.request(id: id)
        #expect(request.externalRef == "ZD-4521")
        #expect(request.subjectID == nil)
        #expect(request.status == .extended)
        #expect(request.extendedDueAt == ControlFixture.at("2025-06-15T10:00:00Z"))
    }

    @Test func anUnknownIdIsAClearError() throws {
        let fixture = try ControlFixture()
        let error = controlError { _ = try fixture.register.request(id: "dsr-0000000000000000") }
        #expect(error?.code == .unknownRequest)
        #expect(
            error?.message
                == "no data-subject request has id 'dsr-0000000000000000'; `cordon dsr list --status all` shows them all"
        )
        #expect(
            controlError { try fixture.register.complete(id: "nope", outcome: nil, now: Date()) }?.code
                == .unknownRequest
        )
    }

    @Test func aRequestNeedsASubjectIdOrAReferenceAndNoPersonalData() throws {
        let fixture = try ControlFixture()
        let policy = ControlFixture.policy("gdpr")
        let received = ControlFixture.at("2025-03-15T10:00:00Z")
        func open(subject: String?, reference: String?) -> ControlError? {
            controlError {
                _ = try fixture.register.open(
                    kind: .access,
                    region: "eu",
                    policy: policy,
                    subjectID: subject,
                    externalRef: reference,
                    receivedAt: received
                )
            }
        }
        #expect(open(subject: nil, reference: nil)?.code == .invalidInput)
        let email = open(subject: "jane@example.com", reference: nil)
        #expect(email?.code == .invalidInput)
        #expect(email?.message.contains("jane") == false)
        #expect(open(subject: "Jane Doe", reference: nil)?.code == .invalidInput)
        #expect(open(subject: nil, reference: "jane@example.com")?.message.contains("email address") == true)
        #expect(open(subject: nil, reference: "ZD-1\nsecond line")?.code == .invalidInput)
        #expect(try fixture.register.list(filter: .all, now: received).isEmpty)
    }

    @Test func aRequestServedOnTheSpotIsRecordedCompleted() throws {
        let fixture = try ControlFixture()
        let now = ControlFixture.at("2025-03-15T10:00:00Z")
        let request = try fixture.register.recordCompleted(
            kind: .erasure,
            region: "eu",
            policy: ControlFixture.policy("gdpr"),
            subjectID: ControlFixture.subject,
            outcome: "erased; receipt issued",
            now: now
        )
        #expect(request.status == .completed)
        #expect(request.receivedAt == now && request.completedAt == now)
        #expect(request.dueAt == ControlFixture.at("2025-04-15T10:00:00Z"))
        #expect(try fixture.register.list(filter: .completed, now: now) == [request])
        #expect(try fixture.register.list(filter: .open, now: now).isEmpty)
    }
}
