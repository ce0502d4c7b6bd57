import CordonCore

extension DemoDataGenerator {
    /// A subject's consent records, following the consent model their policy gives each
    /// purpose at their age.
    ///
    /// - Opt-in purposes (GDPR, UK GDPR, LGPD, PIPL; CCPA sale/sharing under 16): a share
    ///   grants at the first visit (analytics 84 %, ads 45 %, marketing email 35 % of those
    ///   with an email, sale/sharing 10 %); a purpose needing separate consent (PIPL Art. 23,
    ///   GDPR sale/sharing) a quarter of that; a minor below the consent age 40 % of that,
    ///   through a guardian. Some grants are later withdrawn (8-15 %), restricted or objected
    ///   to (0.5 % each), as a second, later record.
    /// - Opt-out purposes (CCPA): most subjects have no record. Some object to sale/sharing
    ///   (8 %) or ads (5 %) via the "Do Not Sell or Share" link; 20 % subscribe to the
    ///   newsletter and 15 % of those unsubscribe later.
    /// - Purposes that need no consent (order fulfilment, CCPA analytics): no record.
    /// - Cross-border transfer: no record (its consent is asked transfer by transfer).
    func consents(
        in market: ResolvedMarket,
        age: Int?,
        isMinor: Bool,
        hasEmail: Bool,
        since start: Int64,
        using random: inout DemoDataRandom
    ) -> [DemoConsent] {
        var records: [DemoConsent] = []
        for purpose in purposes {
            guard let rule = market.policy.purposes[purpose], rule.isPermitted,
                let model = market.policy.consentModel(for: purpose, subjectAge: age)
            else { continue }
            if purpose == .marketingEmail && !hasEmail { continue }
            // A separate consent to a cross-border transfer is asked when a transfer is on
            // the table, not at the first visit: no demo subject has one.
            if purpose == .crossBorderTransfer { continue }
            switch model {
            case .notRequired:
                continue
            case .optIn:
                var rate = Self.optInRate(for: purpose)
                if rule.separateConsent { rate *= 0.25 }
                if isMinor { rate *= 0.4 }
                guard random.chance(rate) else { continue }
                let source =
                    isMinor
                    ? "guardian:verified-consent"
                    : Self.optInSource(for: purpose, region: market.region, separate: rule.separateConsent)
                records.append(DemoConsent(purpose: purpose, state: .granted, source: source, recordedAt: start))
                if let change = laterChange(of: purpose, since: start, using: &random) { records.append(change) }
            case .optOut:
                if purpose == .marketingEmail {
                    guard random.chance(0.20) else { continue }
                    let signup = later(than: start, using: &random)
                    records.append(
                        DemoConsent(
                            purpose: purpose,
                            state: .granted,
                            source: "form:newsletter-signup",
                            recordedAt: signup
                        )
                    )
                    if random.chance(0.15) {
                        records.append(
                            DemoConsent(
                                purpose: purpose,
                                state: .withdrawn,
                                source: "email:unsubscribe-link",
                                recordedAt: later(than: signup, using: &random)
                            )
                        )
                    }
                } else if random.chance(purpose == .saleOrShare ? 0.08 : purpose == .adsPersonalization ? 0.05 : 0.03) {
                    records.append(
                        DemoConsent(
                            purpose: purpose,
                            state: .objected,
                            source: "web:do-not-sell-or-share-link",
                            recordedAt: later(than: start, using: &random)
                        )
                    )
                }
            }
        }
        // Stable sort by time: a purpose's records stay in order, so its last one is current.
        return records.enumerated().sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }
            .map(\.element)
    }

    /// A second record changing an opt-in grant, or `nil` when the grant stands.
    private func laterChange(
        of purpose: Purpose,
        since start: Int64,
        using random: inout DemoDataRandom
    )
        -> DemoConsent?
    {
        let withdrawal = purpose == .marketingEmail ? 0.15 : purpose == .analytics ? 0.08 : 0.10
        let draw = random.int(below: 10_000)
        let state: DemoConsent.State
        let source: String
        switch draw {
        case ..<Int(withdrawal * 10_000):
            state = .withdrawn
            source = purpose == .marketingEmail ? "email:unsubscribe-link" : "web:privacy-settings"
        case ..<(Int(withdrawal * 10_000) + 50):
            state = .restricted
            source = "dsr:restriction-request"
        case ..<(Int(withdrawal * 10_000) + 100):
            state = .objected
            source = "dsr:objection"
        default:
            return nil
        }
        return DemoConsent(
            purpose: purpose,
            state: state,
            source: source,
            recordedAt: later(than: start, using: &random)
        )
    }

    /// A moment after `time` (by at least a minute) and no later than the end of 2025.
    private func later(than time: Int64, using random: inout DemoDataRandom) -> Int64 {
        let earliest = min(time + 60, yearEnd)
        return random.int64(in: earliest...yearEnd)
    }

    private static func optInRate(for purpose: Purpose) -> Double {
        switch purpose {
        case .analytics: 0.84
        case .adsPersonalization: 0.45
        case .marketingEmail: 0.35
        case .saleOrShare: 0.10
        default: 0.30
        }
    }

    /// Where a grant was recorded: the region's consent banner, a newsletter form, or a
    /// separate consent form.
    private static func optInSource(for purpose: Purpose, region: RegionID, separate: Bool) -> String {
        if purpose == .marketingEmail { return "form:newsletter-double-opt-in" }
        if separate { return region == "cn" ? "app:separate-consent-dialog" : "form:separate-consent" }
        switch region.rawValue {
        case "eu", "uk": return "cmp:tcf-2.2"
        case "br": return "cmp:lgpd-banner"
        case "cn": return "app:consent-dialog"
        case "us": return "web:opt-in-form"
        default: return "cmp:consent-banner"
        }
    }
}
