import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

/// Witnessing other nodes' trails (decision 0025): fetch a peer's checkpoint, verify its
/// signature and its consistency with the last one verified, and only then cosign it.
extension Vault {
    /// The name this node cosigns under: its checkpoint key's name (its origin), so a peer
    /// that pinned this node's verifier key knows the cosigner without another key.
    public var cosignerName: String { audit.verifierKey.name }

    /// One witnessing round of `peer`.
    ///
    /// Fetches the peer's checkpoint and checks its signature by the pinned key; compares it
    /// with the last checkpoint of the peer verified here: the same size and root, or a
    /// larger tree whose RFC 9162 consistency proof (fetched from the peer) verifies, is
    /// cosigned; the cosignature and the checkpoint are stored in `control.db` (audited as
    /// `witness.cosign`) before the cosignature is sent back to the peer. A smaller tree,
    /// another root at the same size or a failing proof is not cosigned: the evidence is
    /// stored as an alarm (`witness.alarm`) and the round returns `refused`.
    ///
    /// ```swift
    /// let round = try vault.witness(peer, transport: HTTPWitnessTransport(), context: .system("cordon:witness"))
    /// ```
    /// - Throws: ``WitnessError`` when the round cannot finish (peer unreachable, a
    ///   checkpoint not signed by the pinned key, a peer seen under another key), audited as
    ///   `witness.failed`; ``VaultError`` when the result cannot be recorded.
    public func witness(
        _ peer: WitnessPeer,
        transport: any WitnessTransport,
        context: AccessContext,
        now: Date = Date()
    ) throws -> WitnessRound {
        do {
            let checkpoint = try fetchVerifiedCheckpoint(of: peer, transport: transport)
            let previous = try witnessedState(of: peer)
            if let previous {
                guard previous.verifierKey == peer.key.description, previous.origin == checkpoint.origin else {
                    throw WitnessError(
                        .peerChanged,
                        "peer \(peer.name) was witnessed as \(previous.origin) under key \(previous.verifierKey); it now presents \(checkpoint.origin) under \(peer.key): give a new peer name for a new log"
                    )
                }
            }
            let stored = previous.map { (size: $0.treeSize, root: $0.root) }
            var round = WitnessRound(
                peer: peer.name,
                outcome: .cosigned,
                origin: checkpoint.origin,
                treeSize: checkpoint.treeSize,
                rootHash: Data(checkpoint.rootHash).base64EncodedString(),
                previousSize: stored?.size,
                consistencyProved: false,
                delivered: false
            )
            if let alarm = try findContradiction(peer, checkpoint, previous, transport: transport, round: &round, now) {
                try recordAlarm(alarm, peer: peer, checkpoint: checkpoint, context: context, now: now)
                round.outcome = .refused
                round.alarm = alarm
                return round
            }
            let cosignature = try cosign(peer, checkpoint, context: context, round: round, now: now)
            round.cosignature = cosignature.line
            do {
                try transport.deliver(checkpoint.text + cosignature.line, to: peer)
                round.delivered = true
            } catch {
                round.deliveryError = String(describing: error)
            }
            return round
        } catch let error as WitnessError {
            try record(
                context,
                action: .witnessFailed,
                outcome: .error,
                reason: error.message,
                details: ["peer": .string(peer.name), "error": .string(error.code.name)]
            )
            throw error
        }
    }

    /// The peer's checkpoint, parsed and verified under its pinned key.
    private func fetchVerifiedCheckpoint(of peer: WitnessPeer, transport: any WitnessTransport) throws -> Checkpoint {
        let text: String
        do {
            text = try transport.checkpoint(of: peer)
        } catch let error as WitnessError {
            throw error
        } catch {
            throw WitnessError(.peerUnreachable, "peer \(peer.name) (\(peer.baseURL.absoluteString)): \(error)")
        }
        do throws(AuditError) {
            let checkpoint = try Checkpoint.parse(text)
            try checkpoint.verify(publicKey: peer.key.publicKey, keyName: peer.key.name)
            // SQLite and the audit details hold sizes as Int64; no real log comes near.
            guard checkpoint.treeSize <= UInt64(Int64.max) else {
                throw AuditError(.malformed, "its tree size \(checkpoint.treeSize) is past 2^63 - 1")
            }
            return checkpoint
        } catch {
            throw WitnessError(
                .badCheckpoint,
                "peer \(peer.name): its checkpoint is refused (\(error.message)); check the pinned key with `cordon audit pubkey` on that node"
            )
        }
    }

    /// The alarm `checkpoint` raises against what was verified before, if any; fetches and
    /// verifies the consistency proof when the tree grew.
    private func findContradiction(
        _ peer: WitnessPeer,
        _ checkpoint: Checkpoint,
        _ previous: StoredPeer?,
        transport: any WitnessTransport,
        round: inout WitnessRound,
        _ now: Date
    ) throws -> WitnessAlarm? {
        let stored = previous.map { (size: $0.treeSize, root: $0.root) }
        func alarm(_ kind: WitnessAlarm.Kind, _ reason: String) -> WitnessAlarm {
            WitnessAlarm(
                peer: peer.name,
                kind: kind,
                detectedAt: CivilTime.timestampLabel(UnixSeconds.from(now)),
                previousCheckpoint: previous?.checkpoint ?? "",
                newCheckpoint: checkpoint.text,
                reason: reason
            )
        }
        switch WitnessDecision.decide(previous: stored, checkpoint: checkpoint) {
        case .firstSight, .unchanged:
            return nil
        case .truncated(let previousSize):
            return alarm(
                .truncated,
                "peer \(peer.name) now signs a tree of \(checkpoint.treeSize) entries; it signed \(previousSize) before: its trail was cut or rolled back"
            )
        case .forked:
            return alarm(
                .forked,
                "peer \(peer.name) signs another root at size \(checkpoint.treeSize) than the one verified before: its trail was rewritten"
            )
        case .grown(let previousSize, let previousRoot):
            let proof: AuditConsistencyProof
            do {
                proof = try transport.consistencyProof(of: peer, from: previousSize, to: checkpoint.treeSize)
            } catch let error as WitnessError {
                throw error
            } catch {
                throw WitnessError(.peerUnreachable, "peer \(peer.name): no consistency proof (\(error))")
            }
            do throws(AuditError) {
                guard proof.oldSize == previousSize, proof.newSize == checkpoint.treeSize else {
                    throw AuditError(.proofInvalid, "the proof is for sizes \(proof.oldSize)..\(proof.newSize)")
                }
                try proof.verify(oldRoot: previousRoot, newRoot: checkpoint.rootHash)
            } catch {
                return alarm(
                    .inconsistent,
                    "peer \(peer.name)'s tree of \(checkpoint.treeSize) entries is not an extension of the \(previousSize) verified before (\(error.message))"
                )
            }
            round.consistencyProved = true
            return nil
        }
    }
}
