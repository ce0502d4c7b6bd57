import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Ingests subject lines: validates each, routes it to its region by country, checks
    /// the region's policy, and upserts it — sealing PII under the subject's DEK — in
    /// batched transactions, each audited before it commits. A refused line stores nothing
    /// of itself and never stops the batch.
    ///
    /// A region whose store cannot serve refuses only the lines that need it, as
    /// `region_unavailable`: lines of its own subjects, and new subjects of other regions
    /// (a new subject is checked against every region, which must be able to say it does
    /// not hold the subject already). Updates of subjects stored elsewhere go on.
    public func ingestSubjects(
        from reader: LineReader,
        context: AccessContext,
        options: IngestOptions = IngestOptions(),
        onReject: (LineRejection) -> Void = { _ in },
        progress: (IngestSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        // Analysts' scans leave this ingest a core while it runs (decision 0017, "Scheduling").
        let running = ScanGate.shared.ingestStarted()
        defer { running.end() }
        var summary = IngestSummary(kind: "subjects")
        let now = options.now ?? Int64(Date().timeIntervalSince1970)
        // Lines wait in a buffer per region and a region's buffer is written as one audited
        // transaction when it holds `batchSize` lines (and at the end). A keyed (idempotent)
        // run writes each region once, at the end.
        var pending: [RegionID: [(line: Int, record: SubjectLine)]] = [:]
        var inFlight: [String: RegionID] = [:]  // externalId → region, for lines not yet written
        // Regions whose write failed in this run: their later lines are refused without
        // trying again (a full volume stays full for a while).
        var unwritable: [RegionID: VaultError] = [:]
        var linesSinceProgress = 0
        var sample: [[UInt8]] = []  // the first lines, to name the input's shape if all are refused
        let times = PlausibleTimes(now: now, maximumSkew: options.maximumClockSkew)

        // Lines are taken in chunks of `batchSize`: each chunk is parsed, then every region
        // is asked once which of the chunk's subjects it stores (decision 0021), then the
        // lines are decided one by one, in order, exactly as if each had asked on its own.
        func process(_ chunk: [LineReader.Line]) throws {
            let parsed = chunk.map { line in
                Result { () throws(LineRejection) -> SubjectLine in
                    try parseSubject(line, options: options, times: times)
                }
            }
            let identifiers = Set(parsed.compactMap { try? $0.get().normalizedExternalID })
            var residency = try SubjectResidency(normalizedExternalIDs: identifiers, vault: self)
            for (line, result) in zip(chunk, parsed) {
                summary.lines += 1
                linesSinceProgress += 1
                if sample.count < InputShape.sampleSize { sample.append(line.bytes) }
                // A refused line is reported and skipped; any other error (a store that cannot be
                // read) is the server's, not the line's, and ends the run.
                do {
                    let record = try result.get()
                    if case .failure(let failure) = try forRegion(record.region, { _ in }) {
                        summary.noteUnavailable(record.region, failure)
                        throw LineRejection.regionUnavailable(
                            record.region,
                            failure,
                            field: "country",
                            needs: "is this subject's region"
                        )
                    }
                    // A subject lives in exactly one region: a subject already stored (or
                    // waiting to be) in another region is a change of residence, which needs an
                    // explicit transfer.
                    let waiting = inFlight[record.externalID].flatMap { $0 == record.region ? nil : $0 }
                    if let other = try waiting
                        ?? residency.regionHolding(record, regions: regionIDs, summary: &summary)
                    {
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
                if options.idempotency == nil {
                    for (region, items) in pending where items.count >= options.batchSize {
                        let stored = try writeSubjects(
                            items,
                            region: region,
                            context: context,
                            options: options,
                            now: now,
                            summary: &summary,
                            unwritable: &unwritable,
                            onReject: onReject
                        )
                        // The stores now answer for these subjects; the chunk's answers are
                        // from before, so they learn of them here.
                        for identifier in stored { residency.noteStored(identifier, in: region) }
                        pending[region] = nil
                        inFlight = inFlight.filter { $0.value != region }
                    }
                }
                if linesSinceProgress >= options.batchSize {
                    linesSinceProgress = 0
                    progress(summary)
                }
            }
        }

        var chunk: [LineReader.Line] = []
        chunk.reserveCapacity(options.batchSize)
        while true {
            let next: LineReader.Line?
            do {
                next = try reader.next()
            } catch {
                // The lines read before the failure are decided (and written) as they were
                // without chunking; then the run ends.
                try process(chunk)
                throw error
            }
            guard let line = next else { break }
            chunk.append(line)
            if chunk.count >= max(options.batchSize, 1) {
                try process(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try process(chunk)
        try checkIngestKey(options.idempotency, regions: pending.keys.sorted(), context: context)
        for region in pending.keys.sorted() {
            try writeSubjects(
                pending[region]!,
                region: region,
                context: context,
                options: options,
                now: now,
                summary: &summary,
                unwritable: &unwritable,
                onReject: onReject
            )
        }
        summary.blankLines = reader.blankLines
        summary.diagnose(sample)
        progress(summary)
        return summary
    }

    /// Validates one subject line: its length, its fields, and whether the caller may write
    /// to its region.
    private func parseSubject(
        _ line: LineReader.Line,
        options: IngestOptions,
        times: PlausibleTimes
    ) throws(LineRejection) -> SubjectLine {
        if line.isTooLong {
            throw LineRejection(
                reason: .lineTooLong,
                message: "line is longer than \(options.maximumLineBytes) bytes"
            )
        }
        let record = try SubjectLine.parse(line.bytes, configuration: configuration, times: times)
        if let permitted = options.permittedRegions, !permitted.contains(record.region) {
            throw LineRejection(
                reason: .regionNotPermitted,
                field: "country",
                message: "this subject belongs to region \(record.region), which this caller may not write to"
            )
        }
        return record
    }

    /// Writes one region's buffered lines as one audited transaction and returns the
    /// normalized externalIds it stored (none when the region could not be written).
    @discardableResult
    private func writeSubjects(
        _ items: [(line: Int, record: SubjectLine)],
        region: RegionID,
        context: AccessContext,
        options: IngestOptions,
        now: Int64,
        summary: inout IngestSummary,
        unwritable: inout [RegionID: VaultError],
        onReject: (LineRejection) -> Void
    ) throws -> [String] {
        var stored: [String] = []
        let written =
            try unwritable[region].map { .failure($0) }
            ?? writeRegionBatch(
                region,
                context: context,
                idempotency: options.idempotency,
                { store, db in
                    var batch = RegionBatch()
                    stored = []  // a retried body starts again
                    // The DEKs of the batch's new subjects, in one guarded region (decision 0021).
                    let keys = try SecureKeyArena(capacity: max(items.count, 1))
                    for item in items {
                        do {
                            let (id, created) = try store.upsert(item.record, now: now, keys: keys, in: db)
                            stored.append(item.record.normalizedExternalID)
                            batch.subjects.append(id)
                            batch.accepted += 1
                            if created { batch.created += 1 } else { batch.updated += 1 }
                        } catch let rejection as LineRejection {
                            var located = rejection
                            located.line = item.line
                            batch.rejections.append(located)
                        }
                    }
                    return batch
                },
                entry: { batch in
                    guard !batch.subjects.isEmpty else { return nil }
                    return AuditRecord(
                        action: .ingestSubjects,
                        regions: [region],
                        subjects: batch.subjects,
                        details: [
                            "accepted": .integer(Int64(batch.subjects.count)),
                            "created": .integer(Int64(batch.created)),
                            "rejected": .integer(Int64(batch.rejections.count)),
                        ]
                    )
                }
            )
        switch written {
        case .success(let (batch, receipt)):
            if let receipt { summary.noteAudit(receipt.sequence) }
            summary.accepted += batch.accepted
            summary.created += batch.created
            summary.updated += batch.updated
            summary.acceptedByRegion[region.rawValue, default: 0] += batch.accepted
            for rejection in batch.rejections {
                summary.reject(rejection)
                onReject(rejection)
            }
        case .failure(let failure):
            unwritable[region] = failure
            summary.noteUnavailable(region, failure)
            for item in items {
                var rejection = LineRejection.regionUnavailable(
                    region,
                    failure,
                    field: "country",
                    needs: "is this subject's region"
                )
                rejection.line = item.line
                summary.reject(rejection)
                onReject(rejection)
            }
            return []
        }
        return stored
    }
}
