import CordonAudit
import CordonCore
import CordonCrypto
import Foundation
import Synchronization

/// A peer's log in memory, reached without HTTP: it signs checkpoints of a Merkle tree the
/// test grows, cuts or forks, serves RFC 9162 proofs, and keeps the cosigned notes it is sent.
final class StubPeer: WitnessTransport {
    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    private struct State {
        var tree = MerkleTree()
        var served: UInt64?
        var delivered: [String] = []
        var reachable = true
        var badProofs = false
    }

    let signingKey = Ed25519.SigningKey()
    let origin = "stub.peer/audit"
    private let state = Mutex(State())

    var peer: WitnessPeer {
        try! WitnessPeer(
            name: "stub",
            baseURL: "http://stub.invalid:8080",
            key: try! NoteVerifierKey(name: origin, publicKey: signingKey.publicKey)
        )
    }

    var delivered: [String] { state.withLock { $0.delivered } }

    /// Appends `count` leaves.
    func grow(_ count: Int, seed: UInt8 = 1) {
        state.withLock { state in
            for index in 0..<count { state.tree.append(leafHash: MerkleHasher.leafHash([seed, UInt8(index & 0xFF)])) }
        }
    }

    /// Serves checkpoints of the first `size` leaves only (nil: the whole tree).
    func serve(size: UInt64?) { state.withLock { $0.served = size } }

    /// Replaces the tree with another of the same size (a rewritten trail).
    func fork() {
        state.withLock { state in
            let size = state.tree.size
            state.tree = MerkleTree()
            for index in 0..<size { state.tree.append(leafHash: MerkleHasher.leafHash([0xEE, UInt8(index & 0xFF)])) }
        }
    }

    func setReachable(_ reachable: Bool) { state.withLock { $0.reachable = reachable } }
    func serveBadProofs() { state.withLock { $0.badProofs = true } }

    func checkpoint(of peer: WitnessPeer) throws -> String {
        let (tree, size, reachable) = state.withLock { ($0.tree, $0.served ?? $0.tree.size, $0.reachable) }
        guard reachable else { throw Unreachable() }
        return try Checkpoint.signed(
            origin: origin,
            treeSize: size,
            rootHash: try tree.rootHash(treeSize: size),
            signingKey: signingKey,
            keyName: origin
        ).text
    }

    func consistencyProof(
        of peer: WitnessPeer,
        from oldSize: UInt64,
        to newSize: UInt64
    ) throws
        -> AuditConsistencyProof
    {
        let (tree, bad) = state.withLock { ($0.tree, $0.badProofs) }
        var proof = try tree.consistencyProof(from: oldSize, to: newSize)
        if bad, !proof.isEmpty { proof[0][0] ^= 1 }
        return AuditConsistencyProof(
            oldSize: oldSize,
            newSize: newSize,
            proof: proof,
            oldCheckpoint: nil,
            newCheckpoint: nil
        )
    }

    func deliver(_ cosignedCheckpoint: String, to peer: WitnessPeer) throws {
        state.withLock { $0.delivered.append(cosignedCheckpoint) }
    }
}

/// Another vault as a peer, reached by direct calls: its checkpoint, its proofs, and its
/// acceptance of cosignatures (with `witnesses` configured on its side).
struct VaultPeer: WitnessTransport {
    let vault: Vault
    let witnesses: [WitnessPeer]

    func checkpoint(of peer: WitnessPeer) throws -> String { try vault.signAuditCheckpoint().text }

    func consistencyProof(
        of peer: WitnessPeer,
        from oldSize: UInt64,
        to newSize: UInt64
    ) throws
        -> AuditConsistencyProof
    { try vault.auditConsistencyProof(from: oldSize, to: newSize) }

    func deliver(_ cosignedCheckpoint: String, to peer: WitnessPeer) throws {
        _ = try vault.acceptCosignatures(cosignedCheckpoint, witnesses: witnesses, context: .system("test:peer"))
    }
}

extension Vault {
    /// This vault as another node configures it: `name=http://name.invalid=<its verifier key>`.
    func asPeer(_ name: String) -> WitnessPeer {
        try! WitnessPeer(name: name, baseURL: "http://\(name).invalid:8080", key: auditVerifierKey)
    }
}
