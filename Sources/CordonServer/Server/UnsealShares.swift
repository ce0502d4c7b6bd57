import CordonCrypto
import Synchronization

/// The server's ``ShareCollection``, shared by every request thread.
final class UnsealShares: Sendable {
    private let collection = Mutex(ShareCollection())

    func add(_ share: KeyShare, threshold: Int) -> ShareCollection.Outcome {
        collection.withLock { $0.add(share, threshold: threshold) }
    }

    var received: Int { collection.withLock { $0.received } }

    func reset() {
        collection.withLock { $0.reset() }
    }
}
