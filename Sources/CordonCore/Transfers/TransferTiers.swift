/// The volume-tier warnings of a transfer: pure, so a test can state each threshold.
///
/// Warns once the year's count reaches 90% of the next tier's threshold (its filing takes
/// time, whatever the mechanism), and on every transfer past a threshold when neither the
/// tier's mechanism nor a higher tier's is the one relied on.
enum TransferTiers {
    /// The share of a threshold at which the coming tier is announced.
    static let warningShare = 0.9

    static func warnings(
        people: Int,
        sensitive: Bool,
        mechanism: TransferMechanism,
        tiers: [Policy.VolumeTier]
    ) -> [String] {
        let ladder = tiers.filter { $0.sensitive == sensitive }.sorted { $0.people < $1.people }
        let kind = sensitive ? "people whose sensitive personal information" : "people whose personal information"
        var warnings: [String] = []
        // The highest tier reached decides; a mechanism a higher tier requires covers it too
        // (a security assessment covers what a standard contract would).
        if let reached = ladder.lastIndex(where: { people >= $0.people }) {
            let tier = ladder[reached]
            let sufficient = ladder[reached...].flatMap(\.requires)
            if !sufficient.contains(mechanism) {
                warnings.append(
                    "\(people) \(kind) left this region this year, at or above \(tier.people): this needs \(tier.requires.map(\.rawValue).joined(separator: " or ")), not \(mechanism.rawValue); file it before the next transfer (\(tier.source))"
                )
            }
        }
        if let next = ladder.first(where: { people < $0.people }),
            Double(people) >= Double(next.people) * warningShare
        {
            warnings.append(
                "\(people) \(kind) left this region this year; at \(next.people) the transfers need \(next.requires.map(\.rawValue).joined(separator: " or ")) (\(next.source)); prepare the filing now"
            )
        }
        return warnings
    }
}
