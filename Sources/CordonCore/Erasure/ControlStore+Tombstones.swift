import CordonStore
import Foundation

extension ControlStore {
    /// Records that `subjectID` was erased from `region`, on `connection`, inside the
    /// caller's audited write to `control.db` (``Vault/write(_:context:_:entry:afterAppend:)``:
    /// the erasure's bookkeeping, or a `control.db` restore replaying erasures).
    ///
    /// Recording the same subject again keeps the earliest time, so a retried erasure is
    /// harmless. Returns whether the tombstone is new.
    @discardableResult
    static func recordTombstone(
        region: RegionID,
        subjectID: String,
        erasedAt: Date,
        in connection: Connection
    ) throws -> Bool {
        try ControlInput.validate(subjectID: subjectID)
        let seconds = UnixSeconds.from(erasedAt)
        let existed =
            try connection.scalar(
                Int.self,
                "SELECT count(*) FROM erasure_tombstones WHERE region = \(region.rawValue) AND subject_id = \(subjectID)"
            ) ?? 0
        try connection.execute(
            """
            INSERT INTO erasure_tombstones(region, subject_id, erased_at)
            VALUES (\(region.rawValue), \(subjectID), \(seconds))
            ON CONFLICT(region, subject_id) DO UPDATE SET erased_at = min(erased_at, excluded.erased_at)
            """
        )
        return existed == 0
    }

    /// Every subject erased from `region`, oldest erasure first: what a restore must purge.
    public func tombstones(region: RegionID) throws -> [Tombstone] {
        try read("read tombstones") { connection in
            try connection.query(
                """
                SELECT subject_id, erased_at FROM erasure_tombstones
                WHERE region = \(region.rawValue) ORDER BY erased_at, subject_id
                """
            ).map { row in
                Tombstone(
                    region: region,
                    subjectID: try row.get(String.self, "subject_id"),
                    erasedAt: UnixSeconds.date(try row.get(Int64.self, "erased_at"))
                )
            }
        }
    }

    /// The tombstone of `subjectID` in any region, if it was erased.
    public func tombstone(of subjectID: String) throws -> Tombstone? {
        try read("read tombstones") { connection in
            try connection.query(
                "SELECT region, erased_at FROM erasure_tombstones WHERE subject_id = \(subjectID) ORDER BY erased_at LIMIT 1"
            ).first.map { row in
                Tombstone(
                    region: RegionID(rawValue: try row.get(String.self, "region")),
                    subjectID: subjectID,
                    erasedAt: UnixSeconds.date(try row.get(Int64.self, "erased_at"))
                )
            }
        }
    }
}
