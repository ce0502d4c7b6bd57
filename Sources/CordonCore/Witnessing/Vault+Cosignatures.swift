import CordonAudit
import CordonCrypto
import CordonStore
public import Foundation

/// Cosignatures of this node's own trail, sent by the peers that witness it.
extension Vault {
    /// Accepts a checkpoint of this node's trail carrying cosignature lines
    /// (`POST /v1/audit/cosignatures`): keeps each valid cosignature by a configured
    /// witness, one per witness and size (the newest time wins). Audited as `witness.receive`.
    ///
    /// The note must be a checkpoint this node signed, of its own trail (its root at that
    /// size); every signature line naming a configured witness's cosigner key must verify,
    /// and at least one must. Lines by keys no witness is configured with are ignored.
    ///
    /// - Parameter witnesses: The peers configured as witnesses (`cordon serve --witness`):
    ///   each cosigns under its checkpoint key's name with the same public key.
    /// - Throws: ``WitnessError`` (`malformed_cosignature`, `not_our_checkpoint`,
    ///   `forged_cosignature`, `unknown_witness`), audited as a denied `witness.receive`.
    public func acceptCosignatures(
        _ note: String,
        witnesses: [WitnessPeer],
        context: AccessContext,
        now: Date = Date()
    ) throws -> [ReceivedCosignature] {
        let found: (checkpoint: Checkpoint, cosignatures: [(WitnessPeer, Cosignature)])
        do {
            found = try verifiedCosignatures(note, witnesses: witnesses)
        } catch let error as WitnessError {
            try record(
                context,
                action: .witnessReceive,
                outcome: .denied,
                reason: error.message,
                details: ["error": .string(error.code.name)]
            )
            throw error
        }
        let received = found.cosignatures.map { peer, cosignature in
            ReceivedCosignature(
                cosigner: cosignature.keyName,
                witness: peer.name,
                treeSize: found.checkpoint.treeSize,
                rootHash: Data(found.checkpoint.rootHash).base64EncodedString(),
                cosignedAt: CivilTime.timestampLabel(Int64(cosignature.time)),
                receivedAt: CivilTime.timestampLabel(UnixSeconds.from(now)),
                line: cosignature.line
            )
        }
        try storeReceived(found, at: UnixSeconds.from(now), context: context)
        return received
    }

    /// The checkpoint of `note` (checked to be this node's) and its verified cosignatures
    /// by configured witnesses.
    private func verifiedCosignatures(
        _ note: String,
        witnesses: [WitnessPeer]
    ) throws -> (checkpoint: Checkpoint, cosignatures: [(WitnessPeer, Cosignature)]) {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.parse(note)
        } catch {
            throw WitnessError(
                .malformedCosignature,
                "the body is not a checkpoint note with signature lines (\(error.message)); send the checkpoint text followed by your cosignature line"
            )
        }
        try checkOwnCheckpoint(checkpoint)
        var accepted: [(WitnessPeer, Cosignature)] = []
        for line in checkpoint.signatures where line.keyName != audit.verifierKey.name {
            guard
                let peer = witnesses.first(where: {
                    $0.key.name == line.keyName
                        && Cosignature.keyID(name: line.keyName, publicKey: $0.key.publicKey) == line.keyHash
                })
            else { continue }
            do throws(AuditError) {
                let cosignature = try Cosignature(line)
                try cosignature.verify(checkpoint, publicKey: peer.key.publicKey)
                accepted.append((peer, cosignature))
            } catch {
                throw WitnessError(
                    .forgedCosignature,
                    "the cosignature by \(line.keyName) (witness \(peer.name)) is refused: \(error.message)"
                )
            }
        }
        guard !accepted.isEmpty else {
            let configured = witnesses.map(\.key.name).sorted()
            throw WitnessError(
                .unknownWitness,
                "no signature line is a cosignature (key ID byte 0x04) by a configured witness; configured: \(configured.isEmpty ? "none (start the server with --witness NAME=URL=KEY)" : configured.joined(separator: ", "))"
            )
        }
        return (checkpoint, accepted)
    }

    /// Refuses a checkpoint this node did not sign, or one not of its own trail.
    private func checkOwnCheckpoint(_ checkpoint: Checkpoint) throws {
        let key = audit.verifierKey
        do {
            try checkpoint.verify(publicKey: key.publicKey, keyName: key.name)
        } catch {
            throw WitnessError(
                .notOurCheckpoint,
                "the checkpoint is not signed by this node's key \(key.name) (\(error.message)); cosign the checkpoint GET /v1/audit/checkpoint served"
            )
        }
        let root = checkpoint.treeSize <= audit.treeSize ? try? audit.rootHash(treeSize: checkpoint.treeSize) : nil
        guard checkpoint.origin == audit.origin, checkpoint.treeSize >= 1, root == checkpoint.rootHash else {
            throw WitnessError(
                .notOurCheckpoint,
                "the checkpoint at size \(checkpoint.treeSize) carries this node's signature but is not of its trail (\(audit.treeSize) entries): keep it as evidence"
            )
        }
    }

    /// Stores the accepted cosignatures (newest time per witness and size).
    private func storeReceived(
        _ found: (checkpoint: Checkpoint, cosignatures: [(WitnessPeer, Cosignature)]),
        at seconds: Int64,
        context: AccessContext
    ) throws {
        let size = Int64(found.checkpoint.treeSize)
        try write(
            .control,
            context: context,
            { db in
                for (peer, cosignature) in found.cosignatures {
                    try db.execute(
                        """
                        INSERT INTO received_cosignatures(cosigner, tree_size, witness, root_hash, cosigned_at,
                            received_at, line)
                        VALUES (\(cosignature.keyName), \(size), \(peer.name), \(found.checkpoint.rootHash),
                            \(Int64(cosignature.time)), \(seconds), \(cosignature.line))
                        ON CONFLICT(cosigner, tree_size) DO UPDATE SET witness = excluded.witness,
                            cosigned_at = excluded.cosigned_at, received_at = excluded.received_at, line = excluded.line
                        WHERE excluded.cosigned_at > received_cosignatures.cosigned_at
                        """
                    )
                }
            },
            entry: { _ in
                AuditRecord(
                    action: .witnessReceive,
                    details: [
                        "treeSize": .integer(size),
                        "witnesses": .string(found.cosignatures.map(\.0.name).sorted().joined(separator: ",")),
                    ]
                )
            }
        )
    }
}
