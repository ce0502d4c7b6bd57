import CordonAudit
import CordonStore
import CordonTestSupport
import Foundation
import Testing

@testable import CordonCore

/// A data-subject request is checked before any effect, its register changes are audited
/// in their own transaction, and an erasure always yields (the same) receipt.
@Suite("Vault: data-subject requests through one door")
struct DSRAnswerTests {
    /// A vault with one EU subject (with PII and events) and one US subject.
    final class Subjects {
        let fixture: VaultFixture
        let eu: SubjectID
        let us: SubjectID

        init() throws {
            fixture = try VaultFixture()
            try fixture.ingestSubjects([
                VaultFixture.subject("e-1", country: "DE", email: "e1@example.de"),
                VaultFixture.subject("u-1", country: "US", consents: []),
            ])
            try fixture.ingestEvents([VaultFixture.event("e-1"), VaultFixture.event("e-1")])
            eu = try #require(try fixture.id(of: "e-1"))
            us = try #require(try fixture.id(of: "u-1"))
        }

        var vault: Vault { fixture.vault }

        func open(_ kind: Right, region: RegionID? = nil, subject: SubjectID?, ref: String? = nil) throws -> DSRRequest
        {
            try vault.openRequest(
                kind,
                region: region,
                subject: subject?.rawValue,
                externalRef: ref,
                receivedAt: Date(),
                context: fixture.context
            )
        }

        /// Rows in the register, read directly (no audit entry, works with a dead sink).
        func registerRows() throws -> [DSRRequest] {
            try vault.control.read("test") { db in try vault.dsr.list(filter: .all, now: Date(), in: db) }
        }

        func entries(_ action: String) throws -> [AuditEntry] {
            try fixture.entries().filter { $0.action == action }
        }
    }

    /// The ways a named request can be wrong for an erasure of the EU subject.
    enum WrongRequest: String, CaseIterable, Sendable {
        case unknown, completed, otherRight, otherSubject, otherRegion
    }

    @Test(arguments: WrongRequest.allCases)
    func anErasureNamingAWrongRequestChangesNothing(_ wrong: WrongRequest) throws {
        let world = try Subjects()
        let requestID: String
        switch wrong {
        case .unknown: requestID = "dsr-00000000deadbeef"
        case .completed:
            let request = try world.open(.erasure, subject: world.eu)
            _ = try world.vault.completeRequest(
                request.id,
                outcome: "handled elsewhere",
                context: world.fixture.context
            )
            requestID = request.id
        case .otherRight: requestID = try world.open(.access, subject: world.eu).id
        case .otherSubject:
            try world.fixture.ingestSubjects([VaultFixture.subject("e-2", country: "FR")])
            requestID = try world.open(.erasure, subject: try world.fixture.id(of: "e-2")).id
        case .otherRegion: requestID = try world.open(.erasure, region: "us", subject: nil, ref: "T-9").id
        }
        let before = try world.registerRows()
        let eventsBefore = try world.vault.store("eu").read { try $0.scalar(Int.self, "SELECT count(*) FROM events") }

        let error = #expect(throws: ControlError.self) {
            try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: requestID)
        }
        let expected: [WrongRequest: ControlError.Code] = [
            .unknown: .unknownRequest, .completed: .alreadyCompleted, .otherRight: .requestMismatch,
            .otherSubject: .requestMismatch, .otherRegion: .requestMismatch,
        ]
        #expect(error?.code == expected[wrong])
        #expect(try world.fixture.id(of: "e-1") == world.eu, "the person is still there")
        #expect(
            try world.vault.store("eu").read { try $0.scalar(Int.self, "SELECT count(*) FROM events") } == eventsBefore
        )
        #expect(try world.registerRows() == before, "the register is unchanged")
        #expect(try world.entries("subject.erase").map(\.outcome) == [.denied])
        #expect(try world.vault.control.tombstones(region: "eu").isEmpty)
        // The right request then works.
        let right = try world.open(.erasure, subject: world.eu)
        let receipt = try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: right.id)
        #expect(receipt.verify(publicKey: world.vault.auditPublicKey))
        #expect(try world.vault.dsrRequest(right.id).status == .completed)
    }

    @Test func exportRectificationAndConsentCheckTheirRequestBeforeAnyEffect() throws {
        let world = try Subjects()
        let erasure = try world.open(.erasure, subject: world.eu)
        let exportsBefore = try world.entries("subject.export").count
        #expect(throws: ControlError.self) {
            try world.vault.export(world.eu, context: world.fixture.context, dsrRequest: erasure.id)
        }
        #expect(try world.entries("subject.export").filter { $0.outcome == .ok }.count == exportsBefore)

        #expect(throws: ControlError.self) {
            try world.vault.rectify(
                world.eu,
                set: ["name": "Changed"],
                context: world.fixture.context,
                dsrRequest: erasure.id
            )
        }
        #expect(try world.entries("subject.rectify").allSatisfy { $0.outcome == .denied })
        // Granting consent exercises no right, so it can answer no request.
        #expect(throws: ControlError.self) {
            try world.vault.recordConsent(
                world.eu,
                purpose: "analytics",
                state: .granted,
                source: "test",
                context: world.fixture.context,
                dsrRequest: erasure.id
            )
        }
        #expect(try world.entries("subject.consent").allSatisfy { $0.outcome == .denied })
        #expect(try world.vault.dsrRequest(erasure.id).status == .open)

        let restriction = try world.open(.restriction, subject: world.eu)
        try world.vault.recordConsent(
            world.eu,
            purpose: "analytics",
            state: .restricted,
            source: "test",
            context: world.fixture.context,
            dsrRequest: restriction.id
        )
        #expect(try world.vault.dsrRequest(restriction.id).status == .completed)
    }

    @Test func anErasureAlwaysYieldsItsReceiptAndErasingAgainReturnsTheSameOne() throws {
        let world = try Subjects()
        let request = try world.open(.erasure, subject: world.eu)
        let receipt = try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: request.id)
        #expect(receipt.verify(publicKey: world.vault.auditPublicKey))
        #expect(try world.vault.dsrRequest(request.id).status == .completed)

        // A retry of the same call, and a later call without a request: the same receipt,
        // and nothing registered twice.
        #expect(try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: request.id) == receipt)
        #expect(try world.vault.erase(world.eu, context: world.fixture.context) == receipt)
        #expect(try world.registerRows().count == 1)
        #expect(try world.entries("subject.erase").filter { $0.outcome == .ok }.count == 1)
        #expect(try world.entries("subject.receipt").count == 2)

        // A new erasure request for the erased person: its region comes from the
        // tombstone, and erasing answers it with the original receipt.
        let late = try world.open(.erasure, subject: world.eu)
        #expect(late.region == "eu")
        #expect(try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: late.id) == receipt)
        #expect(try world.vault.dsrRequest(late.id).status == .completed)

        // It survives a restart (the receipt is kept with the erasure record).
        try world.fixture.reopen()
        #expect(try world.vault.erase(world.eu, context: world.fixture.context) == receipt)
    }

    @Test func erasingAgainFinishesABookkeepingStepThatFailed() throws {
        let world = try Subjects()
        let request = try world.open(.erasure, subject: world.eu)
        let receipt = try world.vault.erase(world.eu, context: world.fixture.context, dsrRequest: request.id)
        // What a control.db step that failed after the erasure committed leaves behind: no
        // tombstone, the request still open.
        try world.vault.control.write("test") { db in
            try db.execute("DELETE FROM erasure_tombstones")
            try db.execute(
                "UPDATE dsr_requests SET status = 'open', completed_at = NULL, outcome = NULL WHERE id = \(request.id)"
            )
        }
        #expect(try world.vault.erase(world.eu, context: world.fixture.context) == receipt)
        #expect(try world.vault.dsrRequest(request.id).status == .completed)
        #expect(try world.vault.control.tombstones(region: "eu").map(\.subjectID) == [world.eu.rawValue])
    }

    @Test func aRequestIsGovernedByItsSubjectsRegion() throws {
        let world = try Subjects()
        let request = try world.open(.access, subject: world.eu)
        #expect(request.region == "eu" && request.policyID == "gdpr")
        #expect(request.dueAt == Calendar.gregorianUTC.date(byAdding: .month, value: 1, to: request.receivedAt))

        let error = #expect(throws: ControlError.self) {
            try world.open(.access, region: "us", subject: world.eu)
        }
        #expect(error?.code == .regionMismatch)
        #expect(error?.message.contains("region eu") == true)
        #expect(try world.registerRows().map(\.id) == [request.id], "nothing was registered under CCPA")

        #expect(throws: VaultError.self) {
            try world.open(.access, subject: SubjectID(rawValue: String(repeating: "a", count: 32)))
        }
        #expect(throws: ControlError.self) { try world.open(.access, subject: nil, ref: "T-1") }
    }

    @Test func aRegisterChangeWhoseEntryCannotBeWrittenDoesNotHappen() throws {
        let world = try Subjects()
        let open = try world.open(.access, subject: world.eu)
        let before = try world.registerRows()
        let anchor = try world.vault.control.anchor()
        world.vault.audit.abandon()  // a dead audit sink

        for attempt: () throws -> Void in [
            { _ = try world.open(.erasure, subject: world.eu) },
            { _ = try world.vault.extendRequest(open.id, reason: "busy", context: world.fixture.context) },
            { _ = try world.vault.completeRequest(open.id, outcome: "done", context: world.fixture.context) },
            { _ = try world.vault.export(world.eu, context: world.fixture.context, dsrRequest: open.id) },
        ] {
            let error = #expect(throws: VaultError.self) { try attempt() }
            #expect(error?.code == .auditUnavailable)
        }
        #expect(try world.registerRows() == before)
        #expect(try world.vault.control.anchor() == anchor)
        world.fixture.crash()
        world.fixture.vault = try world.fixture.open()  // and the store is where the trail says
        #expect(try world.registerRows() == before)
    }

    /// The export signs a checkpoint for its access history after its own entry; when that
    /// fails, the audit sink refuses appends from then on, as when its disk fills mid-export.
    @Test func anExportThatFailsLeavesItsRequestOpen() throws {
        let world = try Subjects()
        let request = try world.open(.access, subject: world.eu)
        let size = world.vault.audit.treeSize
        let checkpoints = world.fixture.directory.url.appendingPathComponent("audit/checkpoints")
        for blocked in size + 1...size + 6 {
            let name = String(repeating: "0", count: max(0, 10 - String(blocked).count)) + String(blocked)
            try FileManager.default.createDirectory(
                at: checkpoints.appendingPathComponent(name),
                withIntermediateDirectories: true
            )
        }
        #expect(throws: VaultError.self) {
            try world.vault.export(world.eu, context: world.fixture.context, dsrRequest: request.id)
        }
        #expect(try world.vault.dsrRequest(request.id).status == .open)
        #expect(try world.registerRows().count == 1, "no request registered either")
    }

    @Test func everyRegisterChangeIsAnchoredAndAudited() throws {
        let world = try Subjects()
        let start = try world.vault.control.anchor().counter
        let request = try world.open(.access, subject: world.eu)
        _ = try world.vault.extendRequest(request.id, reason: "busy", context: world.fixture.context)
        _ = try world.vault.export(world.eu, context: world.fixture.context, dsrRequest: request.id)
        _ = try world.vault.erase(world.us, context: world.fixture.context)  // dsr.record + tombstone
        #expect(try world.vault.control.anchor().counter == start + 4)
        let anchored = try world.fixture.entries().filter { $0.details["control.commit"] != nil }.map(\.action)
        #expect(Array(anchored.suffix(4)) == ["dsr.open", "dsr.extend", "dsr.complete", "dsr.record"])
        let record = try #require(try world.entries("dsr.record").last)
        #expect(record.details["tombstone"] == .integer(1))
        #expect(record.subjects == [world.vault.pseudonym(world.us)])
    }
}

extension Calendar {
    static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
