/// What `cordon store restore --control FILE` replayed from the audit trail into an older
/// `control.db`, and what it could not.
///
/// Replayed (nothing is ever refunded or undone): erasure tombstones, from the erasure
/// records every region store keeps; token revocations (`token.revoke` entries); privacy
/// budget spent (`query.run` entries), each ledger row raised to at least what the trail
/// shows. Not replayable, because the trail holds ids and codes but not the values: DSR
/// register changes since the backup, tokens created since the backup, released answers.
public struct ControlRestoreReport: Sendable, Codable, Equatable {
    /// One data-subject request whose state in the restored register is behind the trail.
    public struct RequestChange: Sendable, Codable, Equatable {
        /// The request id (`dsr-…`).
        public var request: String
        /// The newest register action the trail records for it (`dsr.open`, `dsr.extend`,
        /// `dsr.complete`, `dsr.record`).
        public var action: String
        /// That entry's sequence number.
        public var sequence: UInt64
        /// What the restored register holds: `missing`, `open` or `extended`.
        public var register: String
    }

    /// The commit counter `control.db` is anchored at after the restore.
    public var commit: Int64
    /// Tombstones written again from the region stores' erasure records.
    public var tombstonesReplayed: Int
    /// Erasures the trail records whose subject no region store's erasure record names:
    /// no tombstone can be written for them (the trail holds only pseudonyms), but a
    /// region-store restore still erases them from the trail (``Vault/restore(_:from:context:)``).
    public var erasuresWithoutRecord: Int
    /// Tokens revoked again (they were active in the backup).
    public var tokensRevoked: [String]
    /// Tokens the trail shows created that the backup does not hold: they authenticate
    /// nothing now; create them again if they are still needed.
    public var tokensMissing: [String]
    /// Ledger rows (analyst, region, period) raised to the privacy budget the trail shows spent.
    public var budgetsRaised: Int
    /// Register changes since the backup, which the trail names but cannot replay: redo
    /// them (`cordon dsr open|extend|complete`) from the DPO's own records.
    public var requestsNotReplayed: [RequestChange]
    /// Where the `control.db` that was replaced is kept (`control.db.before-restore`), if
    /// there was one.
    public var replacedFileKeptAt: String?
}
