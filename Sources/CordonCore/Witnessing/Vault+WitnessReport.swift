import CordonAudit
import CordonStore
import Foundation

/// Reading what witnessing stored: `cordon audit witnesses`, `GET /v1/audit/cosignatures`.
extension Vault {
    /// The cosignatures received for this node's trail (newest size first, at most
    /// `limit`), the peers this node witnesses and the alarms raised. Audited as `witness.list`.
    public func witnessReport(limit: Int = 100, context: AccessContext) throws -> WitnessReport {
        let bounded = Int64(min(max(limit, 1), 1000))
        let report = try control.read("read the witness report") { db in
            WitnessReport(
                cosignatures: try db.query(
                    """
                    SELECT cosigner, witness, tree_size, root_hash, cosigned_at, received_at, line
                    FROM received_cosignatures ORDER BY tree_size DESC, cosigner LIMIT \(bounded)
                    """
                ).map(Self.receivedCosignature),
                peers: try db.query(
                    """
                    SELECT peer, url, verifier_key, origin, tree_size, root_hash, verified_at, cosignature, alarm, alarm_at
                    FROM witness_peers ORDER BY peer
                    """
                ).map(Self.peerState),
                alarms: try db.query(
                    """
                    SELECT peer, kind, detected_at, previous_checkpoint, new_checkpoint, reason
                    FROM witness_alarms ORDER BY id DESC LIMIT \(bounded)
                    """
                ).map(Self.witnessAlarm)
            )
        }
        try record(
            context,
            action: .witnessList,
            details: [
                "cosignatures": .integer(Int64(report.cosignatures.count)),
                "peers": .integer(Int64(report.peers.count)),
            ]
        )
        return report
    }

    private static func receivedCosignature(_ row: Row) throws -> ReceivedCosignature {
        ReceivedCosignature(
            cosigner: try row.get(String.self, at: 0),
            witness: try row.get(String.self, at: 1),
            treeSize: UInt64(try row.get(Int64.self, at: 2)),
            rootHash: Data(try row.get([UInt8].self, at: 3)).base64EncodedString(),
            cosignedAt: CivilTime.timestampLabel(try row.get(Int64.self, at: 4)),
            receivedAt: CivilTime.timestampLabel(try row.get(Int64.self, at: 5)),
            line: try row.get(String.self, at: 6)
        )
    }

    private static func peerState(_ row: Row) throws -> WitnessPeerState {
        WitnessPeerState(
            peer: try row.get(String.self, at: 0),
            url: try row.get(String.self, at: 1),
            verifierKey: try row.get(String.self, at: 2),
            origin: try row.get(String.self, at: 3),
            treeSize: UInt64(try row.get(Int64.self, at: 4)),
            rootHash: Data(try row.get([UInt8].self, at: 5)).base64EncodedString(),
            verifiedAt: CivilTime.timestampLabel(try row.get(Int64.self, at: 6)),
            cosignature: try row.get(String.self, at: 7),
            alarm: try row.get(String?.self, at: 8).flatMap(WitnessAlarm.Kind.init(rawValue:)),
            alarmAt: try row.get(Int64?.self, at: 9).map(CivilTime.timestampLabel)
        )
    }

    private static func witnessAlarm(_ row: Row) throws -> WitnessAlarm {
        WitnessAlarm(
            peer: try row.get(String.self, at: 0),
            kind: WitnessAlarm.Kind(rawValue: try row.get(String.self, at: 1)) ?? .inconsistent,
            detectedAt: CivilTime.timestampLabel(try row.get(Int64.self, at: 2)),
            previousCheckpoint: try row.get(String.self, at: 3),
            newCheckpoint: try row.get(String.self, at: 4),
            reason: try row.get(String.self, at: 5)
        )
    }
}
