import CordonStore
public import Foundation

extension ControlStore {
    /// Records that `subjectID` was erased from `region`, durably, before the erasure is
    /// reported done.
    ///
    /// Call it inside the erasure flow, after the region store has deleted the subject
    /// and before completing the request. Recording the same subject again keeps the
    /// earliest time, so a retried erasure is harmless.
    public func recordTombstone(region: RegionID, subjectID: String, erasedAt: Date) throws {
        try ControlInput.validate(subjectID: subjectID)
        let seconds = UnixSeconds.from(erasedAt)
        try write("record a tombstone") { connection in
            try connection.execute(
                """
                INSERT INTO erasure_tombstones(region, subject_id, erased_at)
                VALUES (\(region.rawValue), \(subjectID), \(seconds))
                ON CONFLICT(region, subject_id) DO UPDATE SET erased_at = min(erased_at, excluded.erased_at)
                """
            )
        }
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
}
