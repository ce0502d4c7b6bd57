/// Evidence that a peer's trail was cut or forked: both signed checkpoints, kept in
/// `control.db` (`witness_alarms`) and reported by `/readyz`, `/metrics` and
/// `cordon audit witnesses`. The peer is not cosigned while its alarm stands.
public struct WitnessAlarm: Sendable, Hashable, Codable {
    /// What the peer's new checkpoint shows.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A smaller tree than the last one verified: entries were cut (or the whole data
        /// directory replaced by an older copy).
        case truncated
        /// Another root at the size last verified: the trail was rewritten.
        case forked
        /// A larger tree whose consistency proof from the last verified one fails.
        case inconsistent
    }

    /// The peer's local name.
    public var peer: String
    public var kind: Kind
    /// When it was found (RFC 3339, UTC).
    public var detectedAt: String
    /// The peer's last checkpoint this node verified and cosigned (signed note text).
    public var previousCheckpoint: String
    /// The peer's checkpoint that contradicts it (signed note text).
    public var newCheckpoint: String
    /// One sentence: sizes, roots, and why they contradict.
    public var reason: String
}

/// One witnessing round of one peer, as `cordon audit witness` prints it.
public struct WitnessRound: Sendable, Hashable, Codable {
    /// How the round ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Verified (signature and consistency) and cosigned.
        case cosigned
        /// The trail was cut or forked: not cosigned; ``alarm`` holds the evidence.
        case refused
    }

    public var peer: String
    public var outcome: Outcome
    /// The peer's origin line.
    public var origin: String
    /// The peer's checkpoint size this round.
    public var treeSize: UInt64
    /// The base64 root hash of that checkpoint.
    public var rootHash: String
    /// The size verified before (nil on first sight: nothing to prove consistency with).
    public var previousSize: UInt64?
    /// Whether an RFC 9162 consistency proof from ``previousSize`` was fetched and verified.
    public var consistencyProved: Bool
    /// This node's cosignature line (when cosigned).
    public var cosignature: String?
    /// Whether the peer accepted the cosignature (`POST /v1/audit/cosignatures`).
    public var delivered: Bool
    /// Why delivery failed (the cosignature is kept here either way).
    public var deliveryError: String?
    public var alarm: WitnessAlarm?
}

/// A peer this node witnesses, as stored: the newest size and root it verified, and any
/// alarm standing against it.
public struct WitnessPeerState: Sendable, Hashable, Codable {
    public var peer: String
    public var url: String
    /// The pinned checkpoint verifier key.
    public var verifierKey: String
    public var origin: String
    /// The newest size verified and cosigned.
    public var treeSize: UInt64
    /// Its base64 root hash.
    public var rootHash: String
    /// When it was verified (RFC 3339, UTC).
    public var verifiedAt: String
    /// This node's cosignature line of it.
    public var cosignature: String
    /// The standing alarm, if the peer's last round was refused.
    public var alarm: WitnessAlarm.Kind?
    /// When that alarm was raised (RFC 3339, UTC).
    public var alarmAt: String?
}

/// A cosignature of this node's trail that a configured witness sent
/// (`POST /v1/audit/cosignatures`), as stored.
public struct ReceivedCosignature: Sendable, Hashable, Codable {
    /// The cosigner's key name (its own origin).
    public var cosigner: String
    /// This node's local name for that witness (`--witness NAME=...`).
    public var witness: String
    /// The size of this node's trail that was cosigned.
    public var treeSize: UInt64
    /// Its base64 root hash.
    public var rootHash: String
    /// The time the witness put in the cosignature (RFC 3339, UTC).
    public var cosignedAt: String
    /// When this node received it (RFC 3339, UTC).
    public var receivedAt: String
    /// The cosignature line, to append to the checkpoint note of that size.
    public var line: String
}

/// What `cordon audit witnesses` and `GET /v1/audit/cosignatures` show.
public struct WitnessReport: Sendable, Hashable, Codable {
    /// Cosignatures received for this node's trail, newest size first.
    public var cosignatures: [ReceivedCosignature]
    /// The peers this node witnesses.
    public var peers: [WitnessPeerState]
    /// Alarms raised, newest first (evidence kept after a peer recovers).
    public var alarms: [WitnessAlarm]
}
