import CordonAudit
import CordonCrypto
import Testing

@testable import CordonCore

/// The decision a round takes from the last state verified and a new checkpoint, without a peer.
@Suite("WitnessDecision")
struct WitnessDecisionTests {
    static let key = Ed25519.SigningKey()
    static let root = MerkleHasher.leafHash([1])
    static let other = MerkleHasher.leafHash([2])

    static func checkpoint(_ size: UInt64, _ root: [UInt8] = root) -> Checkpoint {
        try! Checkpoint.signed(origin: "o", treeSize: size, rootHash: root, signingKey: key, keyName: "o")
    }

    @Test func nothingVerifiedBeforeIsFirstSight() {
        #expect(WitnessDecision.decide(previous: nil, checkpoint: Self.checkpoint(3)) == .firstSight)
    }

    @Test func theSameSizeDecidesByTheRoot() {
        #expect(WitnessDecision.decide(previous: (3, Self.root), checkpoint: Self.checkpoint(3)) == .unchanged)
        #expect(WitnessDecision.decide(previous: (3, Self.other), checkpoint: Self.checkpoint(3)) == .forked)
    }

    @Test func aSmallerTreeIsTruncatedAndALargerOneNeedsAProof() {
        #expect(
            WitnessDecision.decide(previous: (9, Self.root), checkpoint: Self.checkpoint(4))
                == .truncated(previousSize: 9)
        )
        #expect(
            WitnessDecision.decide(previous: (4, Self.other), checkpoint: Self.checkpoint(9))
                == .grown(previousSize: 4, previousRoot: Self.other)
        )
    }
}
