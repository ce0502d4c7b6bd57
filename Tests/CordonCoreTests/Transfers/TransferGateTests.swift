import CordonAudit
import Foundation
import Testing

@testable import CordonCore

/// The transfer gate: mechanisms per policy, PIPL's separate consent and volume tiers.
@Suite("Transfer gate")
struct TransferGateTests {
    static let now = Timestamp.parse("2026-12-05T09:00:00Z")!

    func fixture(with subjects: [(String, String)]) throws -> VaultFixture {
        let fixture = try VaultFixture()
        _ = try fixture.ingestSubjects(subjects.map { VaultFixture.subject($0.0, country: $0.1) })
        return fixture
    }

    @Test func aPIPLTransferWithoutSeparateConsentIsRefusedSayingWhatToDo() throws {
        let fixture = try fixture(with: [("cn-1", "CN")])
        let id = try #require(try fixture.id(of: "cn-1"))
        let draft = TransferDraft(subjectID: id.rawValue, destination: "DE", mechanism: .cacStandardContract)
        do {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
            Issue.record("a PIPL transfer without separate consent was recorded")
        } catch let error as RegisterError {
            #expect(error.code == .separateConsentRequired)
            #expect(error.message.contains("PIPL Art. 39"))
            #expect(error.message.contains("--separate-consent REF"))
        }
        let refused = try #require(try fixture.entries().last)
        #expect(refused.action == "transfer.request" && refused.outcome == .denied && refused.regions == ["cn"])
        #expect(try fixture.vault.listTransfers(context: fixture.context).isEmpty)
    }

    @Test func aPIPLTransferWithSeparateConsentIsRecordedAuditedAndCounted() throws {
        let fixture = try fixture(with: [("cn-1", "CN"), ("cn-2", "CN")])
        var draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "cn-1")).rawValue,
            destination: "de",
            mechanism: .cacStandardContract,
            reference: "CAC-filing-2026-3",
            separateConsent: "consent-form-42"
        )
        let first = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(first.transfer.region == "cn" && first.transfer.destination == "DE" && first.peopleThisYear == 1)
        #expect(first.warnings.isEmpty)
        let again = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        #expect(again.peopleThisYear == 1, "the same person counts once a year")
        draft.subjectID = try #require(try fixture.id(of: "cn-2")).rawValue
        #expect(try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context).peopleThisYear == 2)
        let nextYear = Timestamp.parse("2027-01-01T00:00:00Z")!
        #expect(try fixture.vault.requestTransfer(draft, now: nextYear, context: fixture.context).peopleThisYear == 1)
        let entry = try #require(try fixture.entries().last { $0.action == "transfer.request" })
        #expect(entry.outcome == .ok && entry.details["mechanism"] == .string("cac-standard-contract"))
        #expect(try fixture.vault.listTransfers(year: 2026, context: fixture.context).count == 3)
    }

    @Test(arguments: [("DE", TransferMechanism.cacStandardContract), ("CN", .consent)])
    func aMechanismThePolicyDoesNotListIsRefused(country: String, mechanism: TransferMechanism) throws {
        let fixture = try fixture(with: [("s", country)])
        let draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "s")).rawValue,
            destination: "US",
            mechanism: mechanism,
            separateConsent: "c-1"
        )
        #expect(throws: RegisterError.self) {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
        }
        #expect(try fixture.entries().last?.outcome == .denied)
    }

    @Test func aDestinationInsideTheSubjectsRegionIsNotATransfer() throws {
        let fixture = try fixture(with: [("eu-1", "DE")])
        let draft = TransferDraft(
            subjectID: try #require(try fixture.id(of: "eu-1")).rawValue,
            destination: "FR",
            mechanism: .scc
        )
        do {
            _ = try fixture.vault.requestTransfer(draft, now: Self.now, context: fixture.context)
            Issue.record("an intra-region destination was recorded as a transfer")
        } catch let error as RegisterError {
            #expect(error.code == .notCrossBorder)
        }
        var abroad = draft
        abroad.destination = "US"
        #expect(
            try fixture.vault.requestTransfer(abroad, now: Self.now, context: fixture.context).transfer.mechanism
                == .scc
        )
    }

    @Test func tiersWarnBeforeAndPastTheirThresholds() throws {
        let tiers = VaultFixture.configuration.policy(for: "cn").transfers.volumeTiers
        #expect(tiers.count == 4)
        let warn = { (people: Int, sensitive: Bool, mechanism: TransferMechanism) in
            TransferTiers.warnings(people: people, sensitive: sensitive, mechanism: mechanism, tiers: tiers)
        }
        #expect(warn(1000, false, .cacStandardContract).isEmpty)
        #expect(warn(90_000, false, .cacStandardContract).first?.contains("prepare the filing") == true)
        #expect(warn(150_000, false, .cacStandardContract).isEmpty, "the standard contract covers this tier")
        #expect(warn(950_000, false, .cacStandardContract).first?.contains("security-assessment") == true)
        #expect(
            warn(1_000_001, false, .cacStandardContract).first?.contains("file it before the next transfer") == true
        )
        #expect(warn(10_000, true, .certification).first?.contains("security-assessment") == true)
        #expect(warn(10_000, true, .securityAssessment).isEmpty)
        #expect(warn(150_000, false, .securityAssessment).isEmpty, "a higher tier's mechanism covers a lower tier")
    }
}
