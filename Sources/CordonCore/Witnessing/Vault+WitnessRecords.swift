import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

/// What a witnessing round stores in `control.db`, each through the anchored write door.
extension Vault {
    /// A peer's row of `witness_peers`.
    struct StoredPeer: Sendable {
        var treeSize: UInt64
        var root: [UInt8]
        var verifierKey: String
        var origin: String
        var checkpoint: String
    }

    /// What this node verified of `peer` last, if anything.
    func witnessedState(of peer: WitnessPeer) throws -> StoredPeer? {
        try control.read("read a witnessed peer") { db in
            try db.query(
                "SELECT tree_size, root_hash, verifier_key, origin, checkpoint FROM witness_peers WHERE peer = \(peer.name)"
            ).first.map { row in
                StoredPeer(
                    treeSize: UInt64(try row.get(Int64.self, at: 0)),
                    root: try row.get([UInt8].self, at: 1),
                    verifierKey: try row.get(String.self, at: 2),
                    origin: try row.get(String.self, at: 3),
                    checkpoint: try row.get(String.self, at: 4)
                )
            }
        }
    }

    /// Cosigns `checkpoint` and stores it with the cosignature as the peer's newest verified
    /// state, clearing a standing alarm; audited as `witness.cosign`.
    func cosign(
        _ peer: WitnessPeer,
        _ checkpoint: Checkpoint,
        context: AccessContext,
        round: WitnessRound,
        now: Date
    ) throws -> Cosignature {
        let seconds = UnixSeconds.from(now)
        let cosignature: Cosignature
        do {
            cosignature = try Cosignature.sign(
                checkpoint,
                signingKey: signingKey,
                keyName: cosignerName,
                time: UInt64(max(0, seconds))
            )
        } catch {
            throw VaultError(.invalidRequest, "cannot cosign peer \(peer.name)'s checkpoint: \(error.message)")
        }
        let size = Int64(checkpoint.treeSize)
        try write(
            .control,
            context: context,
            { db in
                try db.execute(
                    """
                    INSERT INTO witness_peers(peer, url, verifier_key, origin, tree_size, root_hash, checkpoint,
                        cosignature, verified_at, alarm, alarm_at)
                    VALUES (\(peer.name), \(peer.baseURL.absoluteString), \(peer.key.description), \(checkpoint.origin),
                        \(size), \(checkpoint.rootHash), \(checkpoint.text), \(cosignature.line), \(seconds), NULL, NULL)
                    ON CONFLICT(peer) DO UPDATE SET url = excluded.url, tree_size = excluded.tree_size,
                        root_hash = excluded.root_hash, checkpoint = excluded.checkpoint,
                        cosignature = excluded.cosignature, verified_at = excluded.verified_at, alarm = NULL,
                        alarm_at = NULL
                    """
                )
            },
            entry: { _ in
                var details: [String: AuditDetailValue] = [
                    "peer": .string(peer.name), "origin": .string(checkpoint.origin), "treeSize": .integer(size),
                    "rootHash": .string(round.rootHash), "consistencyProved": round.consistencyProved ? "yes" : "no",
                ]
                if let previous = round.previousSize { details["previousSize"] = .integer(Int64(previous)) }
                return AuditRecord(action: .witnessCosign, details: details)
            }
        )
        return cosignature
    }

    /// Stores the evidence of a cut or forked peer trail and marks the peer alarmed; audited
    /// as `witness.alarm` (outcome `denied`: the peer was not cosigned).
    func recordAlarm(
        _ alarm: WitnessAlarm,
        peer: WitnessPeer,
        checkpoint: Checkpoint,
        context: AccessContext,
        now: Date
    ) throws {
        let seconds = UnixSeconds.from(now)
        try write(
            .control,
            context: context,
            { db in
                try db.execute(
                    """
                    INSERT INTO witness_alarms(peer, kind, detected_at, previous_checkpoint, new_checkpoint, reason)
                    VALUES (\(peer.name), \(alarm.kind.rawValue), \(seconds), \(alarm.previousCheckpoint),
                        \(alarm.newCheckpoint), \(alarm.reason))
                    """
                )
                try db.execute(
                    "UPDATE witness_peers SET alarm = \(alarm.kind.rawValue), alarm_at = \(seconds) WHERE peer = \(peer.name)"
                )
            },
            entry: { _ in
                AuditRecord(
                    action: .witnessAlarm,
                    outcome: .denied,
                    reason: alarm.reason,
                    details: [
                        "peer": .string(peer.name), "kind": .string(alarm.kind.rawValue),
                        "treeSize": .integer(Int64(checkpoint.treeSize)),
                        "rootHash": .string(Data(checkpoint.rootHash).base64EncodedString()),
                    ]
                )
            }
        )
    }

    /// Standing alarms by peer name, for `/readyz` and `/metrics` (no personal data; not
    /// audited, like the other probe gauges). Empty when `control.db` cannot be read.
    public func standingWitnessAlarms() -> [String: WitnessAlarm.Kind] {
        let rows = try? control.read("read witness alarms") { db in
            try db.query("SELECT peer, alarm FROM witness_peers WHERE alarm IS NOT NULL").map { row in
                (try row.get(String.self, at: 0), try row.get(String.self, at: 1))
            }
        }
        var alarms: [String: WitnessAlarm.Kind] = [:]
        for (peer, kind) in rows ?? [] { alarms[peer] = WitnessAlarm.Kind(rawValue: kind) }
        return alarms
    }
}
