import Foundation
import Testing

@testable import CordonCore

/// The full consent matrix: every (policy, purpose, consent state, Global Privacy Control
/// signal, age) combination decided by ``LawfulBasisEvaluator`` against an oracle written
/// from the law, not from the evaluator's code or the policy files.
///
/// The oracle is two tables and one function: what each jurisdiction requires for each
/// purpose (``rules``), each region's age of digital consent (``consentAges``), and the
/// order in which a subject's choices apply (``expected(_:state:gpc:age:consentAge:)``).
extension LawfulBasisEvaluatorTests {
    /// What the law asks for one purpose, as Cordon's shipped policies are meant to say it.
    enum Rule: Sendable, CustomStringConvertible {
        /// Prior consent (GDPR Art. 6(1)(a) and 7, ePrivacy Art. 5(3) and 13, PIPL Art. 13(1),
        /// LGPD Art. 7 I); `gpc`: a Global Privacy Control signal withdraws it (GDPR Art. 7(3),
        /// 21(5)) where the policy says so.
        case optIn(gpc: Bool)
        /// Lawful until the subject opts out (CCPA 1798.120, CAN-SPAM); `gpc`: the signal is
        /// an opt-out (11 CCR § 7025); `optInBelow`: younger subjects must opt in
        /// (1798.120(c)).
        case optOut(gpc: Bool, optInBelow: Int?)
        /// No consent needed, but an objection or restriction stops it (CCPA notice at
        /// collection for internal business purposes).
        case notice
        /// Necessary for a contract with the subject (GDPR Art. 6(1)(b)): not consent-based,
        /// and out of reach of an objection (Art. 21 covers only 6(1)(e) and (f)).
        case contract
        /// Required by law (GDPR Art. 6(1)(c): a portability request to a controller abroad,
        /// Art. 20(2)): not consent-based, and out of reach of an objection like a contract.
        case legalObligation

        var description: String {
            switch self {
            case .optIn(let gpc): "opt-in\(gpc ? " + GPC" : "")"
            case .optOut(let gpc, let below):
                "opt-out\(gpc ? " + GPC" : "")\(below.map { ", opt-in under \($0)" } ?? "")"
            case .notice: "notice"
            case .contract: "contract"
            case .legalObligation: "legal obligation"
            }
        }
    }

    /// Per policy and purpose, the rule of the law.
    static let rules: [String: [String: Rule]] = [
        "gdpr": [
            "analytics": .optIn(gpc: true), "marketing_email": .optIn(gpc: false),
            "ads_personalization": .optIn(gpc: true), "order_fulfillment": .contract,
            "sale_or_share": .optIn(gpc: true),
            // Chapter V: the mechanism, not a consent, makes the transfer lawful.
            "cross_border_transfer": .legalObligation,
        ],
        "uk-gdpr": [
            "analytics": .optIn(gpc: true), "marketing_email": .optIn(gpc: false),
            "ads_personalization": .optIn(gpc: true), "order_fulfillment": .contract,
            "sale_or_share": .optIn(gpc: true),
            "cross_border_transfer": .legalObligation,
        ],
        "ccpa": [
            "analytics": .notice, "marketing_email": .optOut(gpc: false, optInBelow: nil),
            "ads_personalization": .optOut(gpc: true, optInBelow: 16), "order_fulfillment": .contract,
            "sale_or_share": .optOut(gpc: true, optInBelow: 16),
            // No transfer rule: the notice at collection covers it.
            "cross_border_transfer": .notice,
        ],
        "pipl": [
            "analytics": .optIn(gpc: false), "marketing_email": .optIn(gpc: false),
            "ads_personalization": .optIn(gpc: false), "order_fulfillment": .contract,
            "sale_or_share": .optIn(gpc: false),
            // Art. 39: separate consent to providing personal information abroad.
            "cross_border_transfer": .optIn(gpc: false),
        ],
        "lgpd": [
            "analytics": .optIn(gpc: false), "marketing_email": .optIn(gpc: false),
            "ads_personalization": .optIn(gpc: false), "order_fulfillment": .contract,
            "sale_or_share": .optIn(gpc: false),
            // Art. 33: the transfer hypothesis (mechanism) is the ground.
            "cross_border_transfer": .legalObligation,
        ],
    ]

    /// Per region: a country in it, and the age from which a resident consents alone
    /// (GDPR Art. 8(1) with BDSG's default 16 for Germany; DPA 2018 s. 9; COPPA and
    /// 1798.120(c); PIPL Art. 31; LGPD Art. 14 with ECA Art. 2).
    static let consentAges: [(region: String, country: String, age: Int)] = [
        ("eu", "DE", 16), ("uk", "GB", 13), ("us", "US", 13), ("cn", "CN", 14), ("br", "BR", 12),
    ]

    /// The consent states a subject can be in for the purpose (`expired`: a grant that lapsed).
    enum ConsentCase: String, CaseIterable, Sendable {
        case none, granted, expired, withdrawn, restricted, objected
    }

    /// Ages on both sides of every threshold above, and an unknown age (treated as an adult's).
    static let ages: [Int?] = [nil, 10, 11, 12, 13, 14, 15, 16, 17, 40]

    /// What the decision must be: allowed, or refused with this reason.
    static func expected(_ rule: Rule, state: ConsentCase, gpc: Bool, age: Int?, consentAge: Int) -> RejectReason? {
        // A restriction stops every processing (GDPR Art. 18(2)); an objection stops all but
        // contract processing (Art. 21(1)-(3)).
        if state == .restricted { return .restricted }
        if state == .objected {
            switch rule {
            case .contract, .legalObligation: return nil
            default: break
            }
        }
        if state == .objected { return .objected }
        let isChild = age.map { $0 < consentAge } ?? false
        func optIn(honoursGPC: Bool) -> RejectReason? {
            if gpc && honoursGPC { return .optedOut }  // the signal withdraws consent
            if isChild { return .underAge }  // only a guardian could consent
            return state == .granted ? nil : .noLawfulBasis  // none, expired or withdrawn
        }
        switch rule {
        case .contract, .legalObligation, .notice:
            return nil
        case .optIn(let honoursGPC):
            return optIn(honoursGPC: honoursGPC)
        case .optOut(let honoursGPC, let optInBelow):
            if let optInBelow, let age, age < optInBelow { return optIn(honoursGPC: honoursGPC) }
            if gpc && honoursGPC { return .optedOut }
            return state == .withdrawn ? .optedOut : nil
        }
    }

    /// Every (region, purpose); ``now`` is 2026-06-01, consents are recorded on 2026-01-01.
    static var matrixCases: [(String, String)] {
        consentAges.flatMap { entry in
            VaultFixture.configuration.catalog.purposes.map { (entry.region, $0.purpose.rawValue) }
        }
    }

    @Test(arguments: matrixCases)
    func everyCombinationIsDecidedAsTheLawSays(region: String, purpose: String) throws {
        let policy = VaultFixture.configuration.policy(for: RegionID(rawValue: region))
        let rule = try #require(Self.rules[policy.id.rawValue]?[purpose], "no oracle rule for \(policy.id) \(purpose)")
        let (_, country, consentAge) = try #require(Self.consentAges.first { $0.region == region })
        let evaluator = LawfulBasisEvaluator(policy: policy)
        for state in ConsentCase.allCases {
            for gpc in [false, true] {
                for age in Self.ages {
                    let expected = Self.expected(rule, state: state, gpc: gpc, age: age, consentAge: consentAge)
                    let decision = evaluator.decide(
                        Purpose(rawValue: purpose),
                        for: Self.matrixStanding(country, purpose: purpose, state: state, gpc: gpc, age: age),
                        now: Self.now
                    )
                    let actual: RejectReason? =
                        switch decision {
                        case .allowed: nil
                        case .refused(let reason, _): reason
                        }
                    #expect(
                        actual == expected,
                        "\(policy.id) \(purpose) (\(rule)), consent \(state), GPC \(gpc), age \(age.map(String.init) ?? "unknown"): expected \(expected?.rawValue ?? "allowed"), got \(actual?.rawValue ?? "allowed")"
                    )
                }
            }
        }
    }

    /// A subject in `country` of `age` at ``now`` (conservatively counted, as the evaluator
    /// does), with one record for `purpose` in `state` and the GPC signal.
    static func matrixStanding(
        _ country: String,
        purpose: String,
        state: ConsentCase,
        gpc: Bool,
        age: Int?
    ) -> SubjectStanding {
        let consentState: ConsentState? =
            switch state {
            case .none: nil
            case .granted, .expired: .granted
            case .withdrawn: .withdrawn
            case .restricted: .restricted
            case .objected: .objected
            }
        let records = consentState.map {
            [
                ConsentRecord(
                    purpose: Purpose(rawValue: purpose),
                    state: $0,
                    source: "test",
                    recordedAt: recorded,
                    expiresAt: state == .expired ? now - 1 : nil
                )
            ]
        }
        return SubjectStanding(
            country: CountryCode(rawValue: country)!,
            birthYear: age.map { 2026 - $0 - 1 },
            globalPrivacyControl: gpc,
            latestConsents: SubjectStanding.latest(of: records ?? [])
        )
    }

    @Test func theAgesAreCountedAsTheOracleAssumes() {
        for age in Self.ages.compactMap({ $0 }) {
            let subject = Self.matrixStanding("DE", purpose: "analytics", state: .none, gpc: false, age: age)
            #expect(subject.age(at: Self.now) == age)
        }
    }
}
