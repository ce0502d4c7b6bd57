import CordonAudit
import CordonStore
public import Foundation

extension Vault {
    /// Deletes, per region and data category, everything past its policy's retention, in
    /// bounded batches (each its own audited transaction, so a long sweep never holds the
    /// write lock for long and can be interrupted safely).
    ///
    /// A region whose store cannot serve (damaged, rolled back, missing, full) is skipped and
    /// named in ``RetentionReport/unavailableRegions``; the run's audit entry then has
    /// outcome `error`. Idempotency keys older than ``IngestIdempotency/keptSeconds`` are
    /// deleted too.
    ///
    /// Expired profiles — no update and no event within `user.contact` retention — are
    /// erased like an erasure request (key destroyed, tombstone written). Reads apply the
    /// same cutoffs, so nothing expired is returned even before a sweep.
    public func runRetention(
        context: AccessContext,
        now: Int64 = Int64(Date().timeIntervalSince1970),
        batchSize: Int = 10_000,
        logger: Logger = .discarding()
    ) throws -> RetentionReport {
        var report = RetentionReport(now: Self.rfc3339(now), regions: [])
        for region in regionIDs {
            // A region whose store cannot serve is skipped and reported; the others are swept.
            switch try forRegion(
                region,
                { store in
                    try sweep(region, store, context: context, now: now, batchSize: batchSize, logger: logger)
                }
            ) {
            case .success(let result): report.regions.append(result)
            case .failure(let failure): report.noteUnavailable(region, failure)
            }
        }
        report.idempotencyKeysExpired = try expireIngestKeys(
            before: now - IngestIdempotency.keptSeconds,
            context: context
        )
        let skipped = (report.unavailableRegions ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
        try record(
            context,
            action: .retentionRun,
            regions: regionIDs,
            outcome: skipped.isEmpty ? .ok : .error,
            reason: skipped.isEmpty ? nil : "skipped \(skipped.joined(separator: ", ")): the store cannot serve",
            details: ["deleted": .integer(Int64(report.totalDeleted))]
        )
        return report
    }

    /// One region's sweep.
    private func sweep(
        _ region: RegionID,
        _ store: RegionStore,
        context: AccessContext,
        now: Int64,
        batchSize: Int,
        logger: Logger
    ) throws -> RetentionReport.RegionResult {
        let rules = RetentionRules(policy: store.policy, catalog: configuration.catalog)
        let cutoffs = rules.cutoffs(now: now)
        var result = RetentionReport.RegionResult(
            region: region.rawValue,
            policy: store.policy.id.rawValue,
            deleted: [:],
            cutoffs: [:],
            subjectsExpired: 0
        )
        let kinds: [(DataCategory, Int64?, Bool)] = [
            (rules.purchaseCategory, cutoffs.purchases, true), (rules.browsingCategory, cutoffs.browsing, false),
        ]
        for (category, cutoff, isPurchase) in kinds {
            guard let cutoff else { continue }
            result.cutoffs[category.rawValue] = Self.rfc3339(cutoff)
            result.deleted[category.rawValue] = try deleteEvents(
                before: cutoff,
                purchases: isPurchase,
                category: category,
                region: region,
                context: context,
                batchSize: batchSize,
                logger: logger
            )
        }
        if let profileCutoff = cutoffs.profiles {
            result.cutoffs[rules.profileCategory.rawValue] = Self.rfc3339(profileCutoff)
            let expired = try store.read { db in
                try db.query(
                    """
                    SELECT s.id FROM subjects s WHERE s.updated_at < \(profileCutoff)
                      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.sid = s.sid AND e.ts >= \(profileCutoff))
                    """
                ).compactMap { SubjectID(rawValue: try $0.get(String.self, at: 0)) }
            }
            for id in expired {
                _ = try expire(id, context: context, now: now)
            }
            result.subjectsExpired = expired.count
        }
        return result
    }

    /// Deletes the region's purchase (or other) events older than `cutoff`, in audited
    /// batches of `batchSize`; returns how many were deleted.
    private func deleteEvents(
        before cutoff: Int64,
        purchases isPurchase: Bool,
        category: DataCategory,
        region: RegionID,
        context: AccessContext,
        batchSize: Int,
        logger: Logger
    ) throws -> Int {
        let purchaseEvents = RetentionRules.purchaseEvents
        var total = 0
        while true {
            let (deleted, _) = try write(
                .region(region),
                context: context,
                { db -> Int in
                    if isPurchase {
                        try db.execute(
                            """
                            DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < \(cutoff)
                              AND event IN (\(values: purchaseEvents)) LIMIT \(batchSize))
                            """
                        )
                    } else {
                        try db.execute(
                            """
                            DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ts < \(cutoff)
                              AND event NOT IN (\(values: purchaseEvents)) LIMIT \(batchSize))
                            """
                        )
                    }
                    return db.changes
                },
                entry: { deleted in
                    guard deleted > 0 else { return nil }
                    return AuditRecord(
                        action: .retentionDelete,
                        regions: [region],
                        details: [
                            "category": .string(category.rawValue), "deleted": .integer(Int64(deleted)),
                        ]
                    )
                }
            )
            total += deleted
            if deleted > 0 { logger.info("\(region): \(total) \(category) rows deleted") }
            if deleted < batchSize { break }
        }
        return total
    }
}
