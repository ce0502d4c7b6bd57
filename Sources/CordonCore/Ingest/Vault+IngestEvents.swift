import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Ingests event lines: each must name a known subject, follows that subject into its
    /// region, and is stored only if the event's purpose is lawful for the subject now.
    ///
    /// A region whose store cannot serve refuses only the lines that need it, as
    /// `region_unavailable` (an event whose subject may be there, or is there); the other
    /// regions' lines are stored.
    public func ingestEvents(
        from reader: LineReader,
        context: AccessContext,
        options: IngestOptions = IngestOptions(),
        onReject: (LineRejection) -> Void = { _ in },
        progress: (IngestSummary) -> Void = { _ in }
    ) throws -> IngestSummary {
        // Analysts' scans leave this ingest a core while it runs (decision 0017, "Scheduling").
        let running = ScanGate.shared.ingestStarted()
        defer { running.end() }
        let coalescing = options.coalesce && options.idempotency == nil
        if coalescing { ingestCoalescer.runStarted() }
        defer { if coalescing { ingestCoalescer.runEnded() } }
        var summary = IngestSummary(kind: "events")
        var resolver = SubjectResolver(vault: self)
        // Accepted events wait in a buffer per region; a region's buffer is written as one
        // audited transaction when it holds `batchSize` events (and at the end), so every
        // transaction is as large as the batch size however the regions interleave. A keyed
        // (idempotent) run writes each region once, at the end.
        var pending: [RegionID: [ResolvedEvent]] = [:]
        // Regions whose write failed in this run: their later lines are refused without
        // trying again (a full volume stays full for a while).
        var unwritable: [RegionID: VaultError] = [:]
        var linesSinceProgress = 0
        var sample: [[UInt8]] = []  // the first lines, to name the input's shape if all are refused

        // Lines are taken in chunks of `batchSize`: each chunk is parsed, the subjects it
        // names that the resolver has not seen are looked up with one read per region
        // (decision 0021), then the lines are decided one by one, in order.
        func process(_ chunk: [LineReader.Line]) throws {
            let parsed = chunk.map { line in
                Result { () throws(LineRejection) -> EventLine in
                    if line.isTooLong {
                        throw LineRejection(
                            reason: .lineTooLong,
                            message: "line is longer than \(options.maximumLineBytes) bytes"
                        )
                    }
                    let now = options.now ?? Int64(Date().timeIntervalSince1970)
                    return try EventLine.parse(
                        line.bytes,
                        catalog: configuration.catalog,
                        times: PlausibleTimes(now: now, maximumSkew: options.maximumClockSkew)
                    )
                }
            }
            try resolver.prefetch(parsed.compactMap { try? $0.get() })
            for (line, result) in zip(chunk, parsed) {
                summary.lines += 1
                linesSinceProgress += 1
                if sample.count < InputShape.sampleSize { sample.append(line.bytes) }
                // A refused line is reported and skipped; any other error (a store that cannot be
                // read) is the server's, not the line's, and ends the run.
                do {
                    let event = try result.get()
                    let now = options.now ?? Int64(Date().timeIntervalSince1970)
                    let resolved = try resolver.resolve(event, line: line.number, now: now)
                    if let permitted = options.permittedRegions, !permitted.contains(resolved.region) {
                        throw LineRejection(
                            reason: .regionNotPermitted,
                            field: "externalId",
                            message:
                                "this subject lives in region \(resolved.region), which this caller may not write to"
                        )
                    }
                    pending[resolved.region, default: []].append(resolved)
                } catch var rejection as LineRejection {
                    rejection.line = line.number
                    summary.reject(rejection)
                    onReject(rejection)
                }
                if options.idempotency == nil {
                    for (region, events) in pending where events.count >= options.batchSize {
                        try writeEvents(
                            events,
                            region: region,
                            context: context,
                            options: options,
                            summary: &summary,
                            unwritable: &unwritable,
                            onReject
                        )
                        pending[region] = nil
                    }
                }
                if linesSinceProgress >= options.batchSize {
                    linesSinceProgress = 0
                    progress(summary)
                }
            }
        }

        var chunk: [LineReader.Line] = []
        chunk.reserveCapacity(max(options.batchSize, 1))
        while true {
            let next: LineReader.Line?
            do {
                next = try reader.next()
            } catch {
                // The lines read before the failure are decided (and written) first.
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
        let regions = pending.keys.sorted()
        // A coalescing run (a server's request) waits for each region's group commit; it waits
        // for them side by side, so a request spanning five regions waits for the slowest
        // commit, not for five in a row (decision 0018, "Session 13").
        let writable = regions.filter { unwritable[$0] == nil }
        let written =
            coalescing && writable.count > 1
            ? writeSideBySide(writable.map { ($0, pending[$0]!) }, context: context, options: options)
            : [:]
        for region in regions {
            try writeEvents(
                pending[region]!,
                region: region,
                context: context,
                options: options,
                summary: &summary,
                unwritable: &unwritable,
                written: written[region],
                onReject
            )
        }
        summary.blankLines = reader.blankLines
        summary.diagnose(sample)
        for (region, failure) in resolver.unavailable { summary.noteUnavailable(region, failure) }
        progress(summary)
        return summary
    }

    private func writeEvents(
        _ events: [ResolvedEvent],
        region: RegionID,
        context: AccessContext,
        options: IngestOptions,
        summary: inout IngestSummary,
        unwritable: inout [RegionID: VaultError],
        written done: Result<IngestCoalescer.Written, any Error>? = nil,
        _ onReject: (LineRejection) -> Void
    ) throws {
        let written =
            try unwritable[region].map { .failure($0) }
            ?? done?.get()
            ?? writeEventRows(events, region: region, context: context, options: options)
        switch written {
        case .success(let (batch, receipt)):
            if let receipt { summary.noteAudit(receipt.sequence) }
            summary.accepted += batch.accepted
            summary.acceptedByRegion[region.rawValue, default: 0] += batch.accepted
        case .failure(let failure):
            unwritable[region] = failure
            summary.noteUnavailable(region, failure)
            for event in events {
                var rejection = LineRejection.regionUnavailable(
                    region,
                    failure,
                    field: nil,
                    needs: "holds this event's subject"
                )
                rejection.line = event.lineNumber
                summary.reject(rejection)
                onReject(rejection)
            }
        }
    }

    /// Writes each region's events through ``writeEventRows`` at the same time, one thread per
    /// region after the first (which runs on the caller's), and returns every outcome: a
    /// thrown error is kept as that region's outcome, to be thrown in region order.
    private func writeSideBySide(
        _ parts: [(RegionID, [ResolvedEvent])],
        context: AccessContext,
        options: IngestOptions
    ) -> [RegionID: Result<IngestCoalescer.Written, any Error>] {
        let outcomes = SideBySideOutcomes()
        let finished = DispatchGroup()
        for (region, events) in parts.dropFirst() {
            finished.enter()
            let thread = Thread {
                outcomes.set(
                    region,
                    Result { try self.writeEventRows(events, region: region, context: context, options: options) }
                )
                finished.leave()
            }
            thread.start()
        }
        let (region, events) = parts[0]
        outcomes.set(region, Result { try writeEventRows(events, region: region, context: context, options: options) })
        finished.wait()
        return outcomes.all()
    }
}

/// The outcomes of ``Vault/writeSideBySide``'s threads.
private final class SideBySideOutcomes: @unchecked Sendable {
    // Guarded by `lock` (hence @unchecked Sendable).
    private let lock = NSLock()
    private var outcomes: [RegionID: Result<IngestCoalescer.Written, any Error>] = [:]

    func set(_ region: RegionID, _ outcome: Result<IngestCoalescer.Written, any Error>) {
        lock.withLock { outcomes[region] = outcome }
    }

    func all() -> [RegionID: Result<IngestCoalescer.Written, any Error>] {
        lock.withLock { outcomes }
    }
}
