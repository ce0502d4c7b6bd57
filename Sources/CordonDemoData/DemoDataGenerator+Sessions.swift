import CordonCore

extension DemoDataGenerator {
    /// Appends one visit, with times relative to its start: a browsing funnel (70 %), an
    /// opened marketing email (18 %, only for people the shop may email) or an ad click
    /// (12 %), the last two sometimes leading into a funnel. A refund, when one follows a
    /// purchase, is a session of its own.
    func appendSession(
        to events: inout [DemoEvent],
        sessionStarts: inout [Int],
        activity: DemoActivity,
        using random: inout DemoDataRandom
    ) {
        let isFirst = sessionStarts.isEmpty
        sessionStarts.append(events.count)
        var session = Session(
            device: random.chance(0.85) ? activity.device : devices.draw(using: &random),
            channel: .direct,
            campaign: .none
        )
        let kind = isFirst ? 0 : random.int(below: 100)
        switch kind {
        case 66..<88 where activity.receivesEmail:
            session.channel = .email
            session.campaign = campaign(for: .email, activity: activity, using: &random)
            session.append(.emailOpen, purpose: .marketingEmail, to: &events, using: &random)
            guard random.chance(0.4) else { return }
            session.append(.emailClick, purpose: .marketingEmail, to: &events, using: &random)
            guard random.chance(0.85) else { return }
        case 88...:
            session.channel = .ads
            session.campaign = campaign(for: .ads, activity: activity, using: &random)
            session.append(.adClick, purpose: .adsPersonalization, to: &events, using: &random)
        default:
            session.channel = channels.draw(using: &random)
            session.campaign = campaign(for: session.channel, activity: activity, using: &random)
        }
        appendFunnel(
            session: &session,
            signup: isFirst && activity.signsUp,
            to: &events,
            sessionStarts: &sessionStarts,
            using: &random
        )
    }

    /// page_view → product_view → add_to_cart → begin_checkout → purchase, with drop-off
    /// at each step: a third of visits bounce, and about one in eight ends in a purchase
    /// (these are known customers, who convert far above a shop's 2-4 % over all traffic,
    /// most of which is anonymous and never reaches the vault). Desktop converts better
    /// than mobile, and arm b of the A/B test a little better than arm a.
    private func appendFunnel(
        session: inout Session,
        signup: Bool,
        to events: inout [DemoEvent],
        sessionStarts: inout [Int],
        using random: inout DemoDataRandom
    ) {
        session.append(.pageView, purpose: .analytics, to: &events, using: &random)
        if signup { session.append(.signup, purpose: .analytics, to: &events, using: &random) }
        guard random.chance(Self.funnelRates.browse) else { return }
        for _ in 0..<random.int(below: 2) {
            session.append(.pageView, purpose: .analytics, to: &events, using: &random)
        }
        guard random.chance(Self.funnelRates.productView) else { return }
        for _ in 0..<random.int(in: 1...2) {
            session.append(.productView, purpose: .analytics, to: &events, using: &random)
        }
        guard random.chance(Self.funnelRates.addToCart) else { return }
        session.append(.addToCart, purpose: .analytics, to: &events, using: &random)
        if random.chance(0.2) {
            session.append(.productView, purpose: .analytics, to: &events, using: &random)
            session.append(.addToCart, purpose: .analytics, to: &events, using: &random)
        }
        guard random.chance(Self.funnelRates.beginCheckout) else { return }
        session.append(.beginCheckout, purpose: .analytics, to: &events, using: &random)
        var purchase = Self.funnelRates.purchase
        if session.device == .desktop { purchase += 0.06 }
        if session.campaign == .variantB { purchase += 0.18 }
        guard random.chance(purchase) else { return }
        let amount = purchaseAmount(using: &random)
        session.append(
            .purchase,
            purpose: random.chance(0.1) ? .orderFulfillment : .analytics,
            amount: amount,
            to: &events,
            using: &random
        )
        guard random.chance(0.05) else { return }
        sessionStarts.append(events.count)
        let refund = random.chance(0.8) ? amount : max(amountBounds.lowerBound, amount / 2)
        events.append(
            DemoEvent(
                kind: .refund,
                time: 0,
                channel: nil,
                campaign: .none,
                device: nil,
                amountCents: refund,
                purpose: random.chance(0.7) ? .orderFulfillment : .analytics
            )
        )
    }

    /// The share of funnel visits that go on at each step.
    static let funnelRates = (
        browse: 0.66, productView: 0.85, addToCart: 0.55, beginCheckout: 0.7, purchase: 0.72
    )

    /// The campaign of a session from `channel`: none for direct and referral traffic,
    /// sometimes for search and social (paid versus organic), always for email and ads. A
    /// paid session belongs to the A/B test three times in ten, in the subject's arm.
    private func campaign(
        for channel: DemoChannel,
        activity: DemoActivity,
        using random: inout DemoDataRandom
    ) -> DemoCampaign {
        let isPaid =
            switch channel {
            case .direct, .referral: false
            case .search: random.chance(0.4)
            case .social: random.chance(0.5)
            case .email, .ads: true
            }
        guard isPaid else { return .none }
        return random.chance(0.3) ? activity.testArm : .numbered(campaigns.draw(using: &random))
    }

    /// A basket value: log-normal with median 42.00 and σ 0.95 (from a 65-point quantile
    /// table, interpolated in integers so every platform draws the same), clamped to the
    /// catalog's bounds.
    func purchaseAmount(using random: inout DemoDataRandom) -> Int {
        let bits = random.next()
        let bin = Int(bits >> 58)
        let fraction = Int((bits >> 26) & 0xFFFF_FFFF)
        let low = Self.amountQuantiles[bin]
        let high = Self.amountQuantiles[bin + 1]
        let amount = low + (((high - low) * fraction) >> 32)
        return min(max(amount, amountBounds.lowerBound), amountBounds.upperBound)
    }

    /// Quantiles of 4200·exp(0.95·z) at p = i/64 (p = 0.0005 and 0.9995 at the ends).
    static let amountQuantiles = [
        184, 543, 716, 855, 978, 1092, 1201, 1306, 1408, 1509, 1609, 1709, 1808, 1908, 2009, 2110, 2213, 2317,
        2423, 2530, 2640, 2752, 2866, 2983, 3103, 3226, 3353, 3483, 3617, 3755, 3899, 4047, 4200, 4359, 4525,
        4697, 4877, 5065, 5262, 5468, 5685, 5913, 6155, 6410, 6682, 6971, 7281, 7613, 7971, 8359, 8782, 9245,
        9756, 10325, 10964, 11690, 12527, 13510, 14690, 16151, 18038, 20640, 24648, 32501, 95687,
    ]
}

/// What the events of one visit share, and the clock inside it.
private struct Session {
    var device: DemoDevice
    var channel: DemoChannel
    var campaign: DemoCampaign
    var clock: Int64 = 0
    var hasStarted = false

    /// Appends an event a few seconds to a few minutes after the previous one.
    mutating func append(
        _ kind: DemoEventKind,
        purpose: DemoEventPurpose,
        amount: Int? = nil,
        to events: inout [DemoEvent],
        using random: inout DemoDataRandom
    ) {
        if hasStarted {
            clock += Int64(kind == .productView ? random.int(in: 15...240) : random.int(in: 3...90))
        }
        hasStarted = true
        events.append(
            DemoEvent(
                kind: kind,
                time: clock,
                channel: channel,
                campaign: campaign,
                device: device,
                amountCents: amount,
                purpose: purpose
            )
        )
    }
}
