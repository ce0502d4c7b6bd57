import CordonCrypto

/// The key shares a sealed server has received so far (STYLE item 11: no I/O here).
///
/// Shares arrive one request at a time; once `threshold` distinct shares are in, they are
/// handed out together to be combined and the collection starts empty again, whatever the
/// outcome: a wrong share makes the combined key fail its check, and the holders give
/// their shares again. Shares live only here, in guarded memory, never on disk.
struct ShareCollection: Sendable {
    enum Outcome: Sendable {
        /// Kept; `received` of `threshold` so far.
        case needMore(received: Int, threshold: Int)
        /// This share's number was already given; nothing changed.
        case duplicate(number: UInt8, received: Int, threshold: Int)
        /// The threshold is met: combine these (the collection is empty again).
        case complete([KeyShare])
    }

    private(set) var shares: [KeyShare] = []

    var received: Int { shares.count }

    mutating func add(_ share: KeyShare, threshold: Int) -> Outcome {
        if shares.contains(where: { $0.number == share.number }) {
            return .duplicate(number: share.number, received: shares.count, threshold: threshold)
        }
        shares.append(share)
        guard shares.count >= threshold else { return .needMore(received: shares.count, threshold: threshold) }
        defer { shares = [] }
        return .complete(shares)
    }

    /// Drops every share received (a failed attempt, or the vault unsealed another way).
    mutating func reset() {
        shares = []
    }
}
