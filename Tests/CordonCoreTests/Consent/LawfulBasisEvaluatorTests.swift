import Foundation
import Testing

@testable import CordonCore

@Suite("LawfulBasisEvaluator: the consent matrix of every shipped policy")
struct LawfulBasisEvaluatorTests {
    static let configuration = VaultFixture.configuration
    static let now = Int64(Timestamp.parse("2026-06-01T00:00:00Z")!.timeIntervalSince1970)
    static let recorded = Int64(Timestamp.parse("2026-01-01T00:00:00Z")!.timeIntervalSince1970)

    /// (region, a country in it) for every shipped region.
    static let regions: [(String, String)] = [("eu", "DE"), ("uk", "GB"), ("us", "US"), ("cn", "CN"), ("br", "BR")]

    static var cases: [(String, String, String)] {
        regions.flatMap { region, country in
            configuration.catalog.purposes.map { (region, country, $0.purpose.rawValue) }
        }
    }

    func standing(
        _ country: String,
        _ state: ConsentState?,
        purpose: String,
        birthYear: Int? = 1980,
        gpc: Bool = false
    )
        -> SubjectStanding
    {
        let records =
            state.map {
                [
                    ConsentRecord(
                        purpose: Purpose(rawValue: purpose),
                        state: $0,
                        source: "test",
                        recordedAt: Self.recorded
                    )
                ]
            } ?? []
        return SubjectStanding(
            country: CountryCode(rawValue: country)!,
            birthYear: birthYear,
            globalPrivacyControl: gpc,
            latestConsents: SubjectStanding.latest(of: records)
        )
    }

    @Test(arguments: cases)
    func everyPurposeFollowsItsModel(region: String, country: String, purpose: String) throws {
        let policy = Self.configuration.policy(for: RegionID(rawValue: region))
        let rule = try #require(policy.purposes[Purpose(rawValue: purpose)])
        let evaluator = LawfulBasisEvaluator(policy: policy)
        let p = Purpose(rawValue: purpose)
        func decide(_ state: ConsentState?, gpc: Bool = false) -> LawfulBasisDecision {
            evaluator.decide(p, for: standing(country, state, purpose: purpose, gpc: gpc), now: Self.now)
        }
        guard rule.isPermitted else {
            #expect(!decide(.granted).isAllowed, "\(policy.id) does not permit \(purpose)")
            return
        }
        switch rule.model {
        case .optIn:
            #expect(!decide(nil).isAllowed, "\(policy.id) \(purpose): no consent means no processing")
            #expect(decide(.granted).isAllowed)
            #expect(
                decide(.withdrawn)
                    == .refused(
                        reason: .noLawfulBasis,
                        message: "'\(purpose)' needs opt-in consent under \(policy.id): consent withdrawn"
                    )
            )
        case .optOut:
            #expect(decide(nil).isAllowed, "\(policy.id) \(purpose): lawful until the subject opts out")
            if case .refused(let reason, _) = decide(.withdrawn) {
                #expect(reason == .optedOut)
            } else {
                Issue.record("withdrawal must opt out")
            }
            if rule.honorsGlobalPrivacyControl {
                if case .refused(let reason, _) = decide(nil, gpc: true) {
                    #expect(reason == .optedOut)
                } else {
                    Issue.record("GPC must opt out")
                }
            } else {
                #expect(decide(nil, gpc: true).isAllowed)
            }
        case .notRequired:
            #expect(decide(nil).isAllowed)
            #expect(decide(.withdrawn).isAllowed, "a contract or legal duty does not rest on consent")
        }
        if case .refused(let reason, _) = decide(.restricted) {
            #expect(reason == .restricted)
        } else {
            Issue.record("\(policy.id) \(purpose): a restriction stops processing (GDPR Art. 18)")
        }
        let objected = decide(.objected)
        if rule.lawfulBasis == .contract || rule.lawfulBasis == .legalObligation {
            #expect(objected.isAllowed, "an objection does not reach contract or legal-obligation processing")
        } else {
            #expect(!objected.isAllowed)
        }
    }

    @Test(arguments: regions)
    func minorsCannotConsentToOptInPurposes(region: String, country: String) throws {
        let policy = Self.configuration.policy(for: RegionID(rawValue: region))
        let evaluator = LawfulBasisEvaluator(policy: policy)
        let age = policy.minimumAge.consentAge(in: CountryCode(rawValue: country)!)
        let childYear = 2026 - age + 1  // conservatively under the age all through 2026
        for (purpose, rule) in policy.purposes where rule.isPermitted && rule.model == .optIn {
            let decision = evaluator.decide(
                purpose,
                for: standing(country, .granted, purpose: purpose.rawValue, birthYear: childYear),
                now: Self.now
            )
            if case .refused(let reason, _) = decision {
                #expect(reason == .underAge, "\(policy.id) \(purpose) for a \(age - 1)-year-old")
            } else {
                Issue.record("\(policy.id) \(purpose): a subject under \(age) cannot consent alone")
            }
            let adult = evaluator.decide(
                purpose,
                for: standing(country, .granted, purpose: purpose.rawValue, birthYear: 1980),
                now: Self.now
            )
            #expect(adult.isAllowed)
        }
    }

    @Test func nationalConsentAgesApply() throws {
        let gdpr = LawfulBasisEvaluator(policy: Self.configuration.policy(for: "eu"))
        // Born 2011: 14 all through 2026 (the evaluator counts conservatively). France: 15, Austria: 14.
        let france = gdpr.decide(
            "analytics",
            for: standing("FR", .granted, purpose: "analytics", birthYear: 2011),
            now: Self.now
        )
        let austria = gdpr.decide(
            "analytics",
            for: standing("AT", .granted, purpose: "analytics", birthYear: 2011),
            now: Self.now
        )
        #expect(!france.isAllowed)
        #expect(austria.isAllowed)
    }

    @Test func anExpiredConsentNoLongerCounts() throws {
        let evaluator = LawfulBasisEvaluator(policy: Self.configuration.policy(for: "eu"))
        let record = ConsentRecord(
            purpose: "analytics",
            state: .granted,
            source: "cmp",
            recordedAt: Self.recorded,
            expiresAt: Self.now - 1
        )
        let subject = SubjectStanding(
            country: CountryCode(rawValue: "DE")!,
            birthYear: 1980,
            globalPrivacyControl: false,
            latestConsents: ["analytics": record]
        )
        #expect(evaluator.decide("analytics", for: subject, now: Self.now - 2).isAllowed)
        #expect(
            evaluator.decide("analytics", for: subject, now: Self.now)
                == .refused(
                    reason: .noLawfulBasis,
                    message: "'analytics' needs opt-in consent under gdpr: consent expired"
                )
        )
    }

    @Test func theLatestRecordWins() {
        let history = [
            ConsentRecord(purpose: "analytics", state: .granted, source: "a", recordedAt: 10),
            ConsentRecord(purpose: "analytics", state: .withdrawn, source: "b", recordedAt: 20),
            ConsentRecord(purpose: "analytics", state: .granted, source: "c", recordedAt: 15),
        ]
        #expect(SubjectStanding.latest(of: history)["analytics"]?.source == "b")
    }
}
