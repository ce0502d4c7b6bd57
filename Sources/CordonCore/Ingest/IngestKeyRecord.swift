import CordonStore
import Foundation

/// What one region stored for a keyed ingest batch, kept in the region's own
/// `ingest_keys` table (schema v5) and written in the same transaction as the batch's
/// lines: a region that has this row committed its part of the batch, and a region without
/// it committed nothing of it.
struct IngestKeyRecord: Sendable {
    /// The actor (token id) that sent the batch.
    var owner: String
    var requestDigest: [UInt8]
    var accepted: Int
    var created: Int
    var updated: Int
    /// Lines the region refused inside its transaction (a subject's lawful-basis decision
    /// against what the store holds), to report them again on a retry.
    var rejections: [LineRejection]
    var recordedAt: Int64

    /// The row of `key` in the store, if the region committed a batch under it.
    static func fetch(_ key: String, in db: Connection) throws -> IngestKeyRecord? {
        guard
            let row = try db.query(
                """
                SELECT owner, request_digest, accepted, created, updated, rejections, recorded_at
                FROM ingest_keys WHERE key = \(key)
                """
            ).first
        else { return nil }
        return IngestKeyRecord(
            owner: try row.get(String.self, at: 0),
            requestDigest: try row.get([UInt8].self, at: 1),
            accepted: try row.get(Int.self, at: 2),
            created: try row.get(Int.self, at: 3),
            updated: try row.get(Int.self, at: 4),
            rejections: (try? JSONDecoder().decode(
                [LineRejection].self,
                from: Data(try row.get(String.self, at: 5).utf8)
            ))
                ?? [],
            recordedAt: try row.get(Int64.self, at: 6)
        )
    }

    /// Stores the row, inside the batch's own transaction.
    func insert(_ key: String, in db: Connection) throws {
        let rejections = String(decoding: try JSONEncoder().encode(self.rejections), as: UTF8.self)
        try db.execute(
            """
            INSERT INTO ingest_keys(key, owner, request_digest, accepted, created, updated, rejections, recorded_at)
            VALUES (\(key), \(owner), \(requestDigest), \(accepted), \(created), \(updated), \(rejections), \(recordedAt))
            """
        )
    }

    /// Throws `idempotency_key_reused` unless the row was written for this very request.
    func check(_ idempotency: IngestIdempotency, owner: String) throws {
        guard self.owner == owner, requestDigest == idempotency.requestDigest else {
            throw VaultError.reusedIdempotencyKey
        }
    }
}

extension VaultError {
    /// The same `Idempotency-Key` with another body, endpoint or caller.
    static let reusedIdempotencyKey = VaultError(
        .idempotencyKeyReused,
        "this Idempotency-Key was already used for another request (another body, endpoint or caller); nothing was written. Use a new key for a new batch"
    )
}
