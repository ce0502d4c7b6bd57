import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Ingests subject lines: validates each, routes it to its region by country, checks
    /// the region's policy, and upserts it — sealing PII under the subject's DEK — in
    /// batched transactions, each audited before it commits. A refused line stores nothing
    /// of itself and never stops the batch.
    public func ingestSubjects(
        from reader: LineReader,
        context: AccessContext,
        options: IngestOptions = IngestOptions(),
        onReject: (LineRejection) -> Void = { _ in },
        progress: (IngestSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        var summary = IngestSummary(kind: "subjects")
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        // Lines wait in a buffer per region and a region's buffer is written as one audited
        // transaction when it holds `batchSize` lines (and at the end).
        var pending: [RegionID: [(line: Int, record: SubjectLine)]] = [:]
        var inFlight: [String: RegionID] = [:]  // externalId → region, for lines not yet written
        var linesSinceProgress = 0
        var sample: [[UInt8]] = []  // the first lines, to name the input's shape if all are refused
        while let line = try reader.next() {
            summary.lines += 1
            linesSinceProgress += 1
            if sample.count < InputShape.sampleSize { sample.append(line.bytes) }
            // A refused line is reported and skipped; any other error (a store that cannot be
            // read) is the server's, not the line's, and ends the run.
            do {
                if line.isTooLong {
                    throw LineRejection(
                        reason: .lineTooLong,
                        message: "line is longer than \(options.maximumLineBytes) bytes"
                    )
                }
                let record = try SubjectLine.parse(
                    line.bytes,
                    configuration: configuration,
                    times: PlausibleTimes(now: now, maximumSkew: options.maximumClockSkew)
                )
                if let permitted = options.permittedRegions, !permitted.contains(record.region) {
                    throw LineRejection(
                        reason: .regionNotPermitted,
                        field: "country",
                        message: "this subject belongs to region \(record.region), which this caller may not write to"
                    )
                }
                // A subject lives in exactly one region: a subject already stored (or
                // waiting to be) in another region is a change of residence, which needs an
                // explicit transfer.
                let waiting = inFlight[record.externalID].flatMap { $0 == record.region ? nil : $0 }
                let stored =
                    try waiting
                    ?? regionHolding(normalizedExternalID: record.normalizedExternalID, except: record.region)
                if let other = stored {
                    throw LineRejection(
                        reason: .regionChange,
                        field: "country",
                        message:
                            "this subject is stored in region \(other); a move to \(record.region) needs an explicit transfer (erase and re-ingest)"
                    )
                }
                inFlight[record.externalID] = record.region
                pending[record.region, default: []].append((line.number, record))
            } catch var rejection as LineRejection {
                rejection.line = line.number
                summary.reject(rejection)
                onReject(rejection)
            }
            for (region, items) in pending where items.count >= options.batchSize {
                try writeSubjects(
                    items,
                    region: region,
                    context: context,
                    now: now,
                    summary: &summary,
                    onReject: onReject
                )
                pending[region] = nil
                inFlight = inFlight.filter { $0.value != region }
            }
            if linesSinceProgress >= options.batchSize {
                linesSinceProgress = 0
                progress(summary)
            }
        }
        for region in pending.keys.sorted() {
            try writeSubjects(
                pending[region]!,
                region: region,
                context: context,
                now: now,
                summary: &summary,
                onReject: onReject
            )
        }
        summary.blankLines = reader.blankLines
        summary.diagnose(sample)
        progress(summary)
        return summary
    }

    private func writeSubjects(
        _ items: [(line: Int, record: SubjectLine)],
        region: RegionID,
        context: AccessContext,
        now: Int64,
        summary: inout IngestSummary,
        onReject: (LineRejection) -> Void
    ) throws {
        let store = try store(region)
        let (outcome, receipt) = try write(
            .region(region),
            context: context,
            { db in
                var result = SubjectBatchResult()
                for item in items {
                    do {
                        let (id, created) = try store.upsert(item.record, now: now, in: db)
                        result.subjects.append(id)
                        if created { result.created += 1 } else { result.updated += 1 }
                    } catch let rejection as LineRejection {
                        var located = rejection
                        located.line = item.line
                        result.rejections.append(located)
                    }
                }
                return result
            },
            entry: { result in
                guard !result.subjects.isEmpty else { return nil }
                return AuditRecord(
                    action: "ingest.subjects",
                    regions: [region],
                    subjects: result.subjects,
                    details: [
                        "accepted": .integer(Int64(result.subjects.count)), "created": .integer(Int64(result.created)),
                        "rejected": .integer(Int64(result.rejections.count)),
                    ]
                )
            }
        )
        if let receipt { summary.noteAudit(receipt.sequence) }
        summary.accepted += outcome.subjects.count
        summary.created += outcome.created
        summary.updated += outcome.updated
        summary.acceptedByRegion[region.rawValue, default: 0] += outcome.subjects.count
        for rejection in outcome.rejections {
            summary.reject(rejection)
            onReject(rejection)
        }
    }

    /// The region (other than `except`) that already stores a subject with this
    /// (normalized) externalId.
    func regionHolding(normalizedExternalID: String, except: RegionID?) throws -> RegionID? {
        for region in regionIDs where region != except {
            let store = try store(region)
            let index = store.externalIndex(normalized: normalizedExternalID)
            if try store.read({ db in try store.subject(externalIndex: index, in: db) != nil }) {
                return region
            }
        }
        return nil
    }
}

struct SubjectBatchResult: Sendable {
    var subjects: [SubjectID] = []
    var created = 0
    var updated = 0
    var rejections: [LineRejection] = []
}
