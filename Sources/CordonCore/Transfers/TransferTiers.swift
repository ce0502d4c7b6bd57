/// The volume-tier warnings of a transfer: pure, so a test can state each threshold.
///
/// Warns once the year's count reaches 90% of a tier's threshold (before the tier that
/// needs a filing), and on every transfer past a threshold whose required mechanism is
/// not the one relied on.
enum TransferTiers {
    /// The share of a threshold at which the coming tier is announced.
    static let warningShare = 0.9

    static func warnings(
        people: Int,
        sensitive: Bool,
        mechanism: TransferMechanism,
        tiers: [Policy.VolumeTier]
    ) -> [String] {
        var warnings: [String] = []
        let kind = sensitive ? "people whose sensitive personal information" : "people whose personal information"
        for tier in tiers where tier.sensitive == sensitive {
            let required = tier.requires.map(\.rawValue).joined(separator: " or ")
            if people >= tier.people {
                if !tier.requires.contains(mechanism) {
                    warnings.append(
                        "\(people) \(kind) left this region this year, at or above \(tier.people): this needs \(required), not \(mechanism.rawValue); file it before the next transfer (\(tier.source))"
                    )
                }
            } else if Double(people) >= Double(tier.people) * warningShare {
                warnings.append(
                    "\(people) \(kind) left this region this year; at \(tier.people) the transfers need \(required) (\(tier.source)); prepare the filing now"
                )
            }
        }
        return warnings
    }
}
