public import CordonCore
import Synchronization

/// The peers this server witnesses and accepts cosignatures from (`cordon serve --witness`):
/// read by every witnessing round and every `POST /v1/audit/cosignatures`, replaceable
/// while serving (tests learn their peers' ports only once both listen).
public final class WitnessRoster: Sendable {
    private let peers: Mutex<[WitnessPeer]>

    public init(_ peers: [WitnessPeer]) {
        self.peers = Mutex(peers)
    }

    /// The configured peers, in the order given.
    public var current: [WitnessPeer] { peers.withLock { $0 } }

    /// Replaces the configured peers.
    public func replace(with peers: [WitnessPeer]) {
        self.peers.withLock { $0 = peers }
    }
}
