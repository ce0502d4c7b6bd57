import CordonAudit
import CordonStore
import Foundation

/// What one region's transaction of an ingest batch did — or, when the region had already
/// committed the batch under its idempotency key, what it stored then.
struct RegionBatch: Sendable {
    /// The subjects the batch wrote (for its audit entry).
    var subjects: [SubjectID] = []
    var accepted = 0
    var created = 0
    var updated = 0
    /// Lines the region refused inside its transaction.
    var rejections: [LineRejection] = []
    /// Committed by an earlier attempt under the same idempotency key; nothing was written now.
    var resumed = false
}

extension Vault {
    /// Writes one region's part of an ingest batch as one audited transaction
    /// (``write(_:context:_:entry:)``), or returns the region's failure when its store cannot
    /// serve, so the caller refuses that region's lines and goes on with the others.
    ///
    /// With an idempotency key, the transaction first looks for the key in the region's
    /// `ingest_keys`: a region that committed this batch before returns what it stored then
    /// and writes nothing; otherwise `body` writes the lines and the key is stored in the
    /// same transaction (when anything was accepted: a batch that accepted nothing changes
    /// nothing and is simply decided again on a retry). The same key for another request
    /// throws `idempotency_key_reused`.
    func writeRegionBatch(
        _ region: RegionID,
        context: AccessContext,
        idempotency: IngestIdempotency?,
        _ body: (RegionStore, Connection) throws -> RegionBatch,
        entry: (RegionBatch) -> AuditRecord?
    ) throws -> Result<(batch: RegionBatch, receipt: AuditReceipt?), VaultError> {
        try forRegion(region) { store in
            let (batch, receipt) = try write(
                .region(region),
                context: context,
                { db -> RegionBatch in
                    if let idempotency, let recorded = try IngestKeyRecord.fetch(idempotency.key, in: db) {
                        try recorded.check(idempotency, owner: context.actor)
                        return RegionBatch(
                            accepted: recorded.accepted,
                            created: recorded.created,
                            updated: recorded.updated,
                            rejections: recorded.rejections,
                            resumed: true
                        )
                    }
                    let batch = try body(store, db)
                    if let idempotency, batch.accepted > 0 {
                        try IngestKeyRecord(
                            owner: context.actor,
                            requestDigest: idempotency.requestDigest,
                            accepted: batch.accepted,
                            created: batch.created,
                            updated: batch.updated,
                            rejections: batch.rejections,
                            recordedAt: Int64(Date().timeIntervalSince1970)
                        ).insert(idempotency.key, in: db)
                    }
                    return batch
                },
                entry: { batch in
                    guard !batch.resumed, var record = entry(batch) else { return nil }
                    if let idempotency { record.details["idempotencyKey"] = .string(idempotency.auditDigest) }
                    return record
                }
            )
            return (batch, receipt)
        }
    }

    /// Refuses, before anything is written, a key that one of `regions` already holds for
    /// another request (an earlier attempt with another body that stopped halfway). Regions
    /// that cannot serve are passed over: their writes fail on their own.
    func checkIngestKey(_ idempotency: IngestIdempotency?, regions: [RegionID], context: AccessContext) throws {
        guard let idempotency else { return }
        for region in regions {
            let recorded = try forRegion(region) { store in
                try store.readForWrite { db in try IngestKeyRecord.fetch(idempotency.key, in: db) }
            }
            if case .success(let record?) = recorded { try record.check(idempotency, owner: context.actor) }
        }
    }
}
