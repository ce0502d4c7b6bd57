import CordonAudit
import Foundation
import Testing

@testable import CordonCore

/// The breach register through the vault's audited doors.
@Suite("Breach register")
struct BreachRegisterTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
    static let now = at("2026-12-05T09:00:00Z")

    func open(_ fixture: VaultFixture, regions: [RegionID] = ["eu", "br"]) throws -> Breach {
        try fixture.vault.openBreach(
            BreachDraft(
                title: "Lost laptop, Lyon office",
                detectedAt: Self.at("2026-12-04T09:00:00Z"),
                regions: regions,
                categories: ["user.contact.email", "user.name"],
                subjectsEstimate: 1200
            ),
            now: Self.now,
            context: fixture.context
        )
    }

    @Test func aBreachIsOpenedUpdatedNotifiedAndClosedEachAudited() throws {
        let fixture = try VaultFixture()
        let vault = try #require(fixture.vault)
        let opened = try open(fixture)
        #expect(opened.id.hasPrefix("brc-") && opened.status == .open)
        let updated = try vault.updateBreach(
            opened.id,
            BreachChanges(measures: "Remote wipe; disk was encrypted", contact: "dpo@shop.example"),
            now: Self.now,
            context: fixture.context
        )
        #expect(updated.measures == "Remote wipe; disk was encrypted" && updated.title == opened.title)
        let notified = try vault.notifyBreach(
            opened.id,
            to: .authority,
            notifiedAt: Self.at("2026-12-05T08:00:00Z"),
            reference: "CNIL-2026-77",
            now: Self.now,
            context: fixture.context
        )
        #expect(notified.notifications.map(\.region) == ["eu", "br"])
        let closed = try vault.closeBreach(opened.id, note: "contained", now: Self.now, context: fixture.context)
        #expect(closed.status == .closed && closed.closedAt == Self.now)
        #expect(try vault.showBreach(opened.id, context: fixture.context) == closed)
        #expect(try vault.listBreaches(context: fixture.context).isEmpty)
        #expect(try vault.listBreaches(all: true, context: fixture.context).map(\.id) == [opened.id])

        let actions = try fixture.entries().map(\.action).filter { $0.hasPrefix("breach.") }
        #expect(
            actions == [
                "breach.open", "breach.update", "breach.notify", "breach.close", "breach.show", "breach.list",
                "breach.list",
            ]
        )
        let update = try #require(try fixture.entries().first { $0.action == "breach.update" })
        #expect(update.details["fields"] == .string("measures,contact"))
        #expect(update.regions == ["br", "eu"])
        // The trail holds ids and field names, never the texts.
        let trail = try fixture.entries().map { String(describing: $0) }.joined()
        #expect(!trail.contains("Lyon") && !trail.contains("dpo@shop.example") && !trail.contains("CNIL-2026-77"))
    }

    @Test func aMissedDeadlineIsReportedAtALaterInstant() throws {
        let fixture = try VaultFixture()
        let breach = try open(fixture, regions: ["eu"])
        #expect(try fixture.vault.overdueBreachNotifications(now: Self.now).isEmpty)
        let missed = try fixture.vault.overdueBreachNotifications(now: Self.at("2026-12-07T09:00:01Z"))
        #expect(missed.map(\.region) == ["eu"] && missed.map(\.recipient) == [.authority])
        _ = try fixture.vault.notifyBreach(
            breach.id,
            to: .authority,
            notifiedAt: Self.at("2026-12-07T10:00:00Z"),
            reference: "late, with reasons (Art. 33(1))",
            now: Self.at("2026-12-07T10:00:00Z"),
            context: fixture.context
        )
        let after = try fixture.vault.breach(breach.id).deadlines(
            under: fixture.vault.configuration,
            now: Self.at("2026-12-08T00:00:00Z")
        )
        #expect(after.first { $0.recipient == .authority }?.state == .late)
        #expect(try fixture.vault.overdueBreachNotifications(now: Self.at("2026-12-08T00:00:00Z")).isEmpty)
        #expect(try fixture.vault.openBreachCount() == 1)
    }

    @Test func badInputIsRefusedNamingTheFieldAndNothingIsRecorded() throws {
        let fixture = try VaultFixture()
        let vault = try #require(fixture.vault)
        func refusal(_ body: () throws -> Void) -> RegisterError? {
            do {
                try body()
                return nil
            } catch let error as RegisterError {
                return error
            } catch {
                return nil
            }
        }
        let draft = BreachDraft(title: "x", detectedAt: Self.now, regions: ["eu"])
        var email = draft
        email.title = "leak of jane@example.com"
        #expect(
            refusal { _ = try vault.openBreach(email, now: Self.now, context: fixture.context) }?.message.hasPrefix(
                "title:"
            ) == true
        )
        var region = draft
        region.regions = ["mars"]
        #expect(
            refusal { _ = try vault.openBreach(region, now: Self.now, context: fixture.context) }?.message.hasPrefix(
                "regions:"
            ) == true
        )
        var category = draft
        category.categories = ["user.shoe_size"]
        #expect(
            refusal { _ = try vault.openBreach(category, now: Self.now, context: fixture.context) }?.message.hasPrefix(
                "categories:"
            ) == true
        )
        var future = draft
        future.detectedAt = Self.now.addingTimeInterval(86_400)
        #expect(
            refusal { _ = try vault.openBreach(future, now: Self.now, context: fixture.context) }?.message.hasPrefix(
                "detected-at:"
            ) == true
        )
        #expect(try vault.listBreaches(all: true, context: fixture.context).isEmpty)
        // Each refusal is audited as denied, with its code and without the value typed.
        let refusals = try fixture.entries().filter { $0.action == "breach.open" }
        #expect(refusals.count == 4 && refusals.allSatisfy { $0.outcome == .denied })
        #expect(refusals.allSatisfy { $0.details["error"] == .string("invalid_input") })
        #expect(!refusals.contains { ($0.reason ?? "").contains("jane@") || ($0.reason ?? "").contains("mars") })
    }

    @Test func notificationsAreRecordedOnceForAffectedRegionsOfOpenBreaches() throws {
        let fixture = try VaultFixture()
        let vault = try #require(fixture.vault)
        let breach = try open(fixture)
        func notify(_ regions: [RegionID]) throws {
            _ = try vault.notifyBreach(
                breach.id,
                to: .subjects,
                regions: regions,
                notifiedAt: Self.now,
                reference: "mailing-1",
                now: Self.now,
                context: fixture.context
            )
        }
        #expect(throws: RegisterError.self) { try notify(["cn"]) }
        try notify(["br"])
        do {
            try notify(["br"])
            Issue.record("a second notice for the same duty was accepted")
        } catch let error as RegisterError {
            #expect(error.code == .alreadyNotified)
        }
        let denied = try #require(try fixture.entries().last)
        #expect(denied.action == "breach.notify" && denied.outcome == .denied && denied.regions == ["br"])
        #expect(denied.details["breach"] == .string(breach.id))
        _ = try vault.closeBreach(breach.id, note: "done", now: Self.now, context: fixture.context)
        do {
            try notify(["eu"])
            Issue.record("a closed breach took a notice")
        } catch let error as RegisterError {
            #expect(error.code == .breachClosed)
        }
        #expect(try vault.breach(breach.id).notifications.count == 1)
    }

    @Test func theScopeCountsStoredSubjectsAndAuditedAccessesWithoutIdentifiers() throws {
        let fixture = try VaultFixture()
        _ = try fixture.ingestSubjects([
            VaultFixture.subject("a", country: "DE", email: "a@example.com"),
            VaultFixture.subject("b", country: "FR"),
            VaultFixture.subject("c", country: "BR"),
        ])
        let id = try #require(try fixture.id(of: "a"))
        _ = try fixture.vault.export(id, context: fixture.context)
        let scope = try fixture.vault.breachScope(
            regions: ["eu"],
            from: Date(timeIntervalSince1970: 0),
            to: Date().addingTimeInterval(60),
            context: fixture.context
        )
        #expect(scope.regions.map(\.subjects) == [2])
        #expect(scope.regions[0].categories.contains("user.contact.email"))
        let exports = try #require(scope.accesses.first { $0.action == "subject.export" })
        #expect(exports.entries == 1 && exports.subjects == 1 && exports.actor == "test:fixture")
        let text = String(decoding: try JSONEncoder().encode(scope), as: UTF8.self)
        #expect(!text.contains(id.rawValue) && !text.contains(fixture.vault.pseudonym(id)))
        #expect(try fixture.entries().last?.action == "breach.scope")
    }

    @Test func theGDPRNoticeListsArticle33FieldsAndWhatIsMissing() throws {
        let fixture = try VaultFixture()
        let breach = try open(fixture)
        let notice = try fixture.vault.breachNotice(
            breach.id,
            region: "eu",
            to: .authority,
            now: Self.now,
            context: fixture.context
        )
        #expect(notice.fields.map(\.article).allSatisfy { $0.hasPrefix("GDPR Art. 33(3)") })
        #expect(notice.fields.count == 6)
        #expect(notice.missing == ["DPO or other contact point", "Likely consequences", "Measures taken or proposed"])
        #expect(notice.markdown.contains("approximately 1200 data subjects"))
        #expect(notice.markdown.contains("cordon breach update \(breach.id) --contact TEXT"))
        let lgpd = try fixture.vault.breachNotice(
            breach.id,
            region: "br",
            to: .authority,
            now: Self.now,
            context: fixture.context
        )
        #expect(lgpd.fields.allSatisfy { $0.article.hasPrefix("LGPD") })
        #expect(lgpd.source.contains("LGPD Art. 48"))
        #expect(throws: RegisterError.self) {
            _ = try fixture.vault.breachNotice(
                breach.id,
                region: "cn",
                to: .authority,
                now: Self.now,
                context: fixture.context
            )
        }
    }
}
