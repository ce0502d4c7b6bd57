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
        for region in pending.keys.sorted() {
            try writeEvents(
                pending[region]!,
                region: region,
                context: context,
                options: options,
                summary: &summary,
                unwritable: &unwritable,
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
        _ onReject: (LineRejection) -> Void
    ) throws {
        var subjects: [SubjectID] = []
        var seen = Set<Int64>()
        for event in events where seen.insert(event.sid).inserted { subjects.append(event.subjectID) }
        let written =
            try unwritable[region].map { .failure($0) }
            ?? writeRegionBatch(
                region,
                context: context,
                idempotency: options.idempotency,
                { _, db in
                    for event in events {
                        let line = event.line
                        // One cached prepared statement serves every row (the statement cache).
                        try db.execute(
                            """
                            INSERT INTO events(sid, ts, event, channel, campaign, device, country, amount_cents, purpose)
                            VALUES (\(event.sid), \(line.timestamp), \(line.event), \(line.channel), \(line.campaign),
                                    \(line.device), \(event.country.rawValue), \(line.amountCents), \(line.purpose.rawValue))
                            """
                        )
                    }
                    return RegionBatch(subjects: subjects, accepted: events.count)
                },
                entry: { _ in
                    let purposes = Set(events.map(\.line.purpose))
                    return AuditRecord(
                        action: .ingestEvents,
                        regions: [region],
                        purpose: purposes.count == 1 ? purposes.first : nil,
                        subjects: subjects,
                        details: ["accepted": .integer(Int64(events.count))]
                    )
                }
            )
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
}

/// An event whose subject was found and whose purpose was lawful.
struct ResolvedEvent: Sendable {
    var line: EventLine
    /// Its 1-based line number in the input.
    var lineNumber: Int
    var region: RegionID
    var sid: Int64
    var subjectID: SubjectID
    var country: CountryCode
}

/// Finds an event's subject across regions by blind index (each region has its own
/// index key) and decides the event's purpose, caching subjects seen recently.
///
/// A region whose store cannot serve does not stop the search: a subject found in another
/// region is resolved (an externalId lives in one region only). A subject found nowhere
/// while some region could not answer is refused as `region_unavailable`, never as
/// `unknown_subject`, since it may be there.
struct SubjectResolver {
    struct Entry {
        var region: RegionID
        var subject: StoredSubject
        var standing: SubjectStanding
    }

    let vault: Vault
    private var cache: [String: Entry?] = [:]
    private static let cacheLimit = 100_000
    /// The regions found unable to serve, with their failures (for the run's summary).
    private(set) var unavailable: [RegionID: VaultError] = [:]

    init(vault: Vault) {
        self.vault = vault
    }

    mutating func resolve(_ event: EventLine, line: Int, now: Int64) throws -> ResolvedEvent {
        let entry: Entry?
        if let cached = cache[event.externalID] {
            entry = cached
        } else {
            entry = try lookup(event.normalizedExternalID)
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[event.externalID] = entry
        }
        guard let entry else {
            throw LineRejection(
                reason: .unknownSubject,
                field: "externalId",
                message:
                    "no subject with this externalId; ingest the subject first (events follow their subject's region)"
            )
        }
        let store: RegionStore
        switch try vault.forRegion(entry.region, { $0 }) {
        case .success(let found): store = found
        case .failure(let failure):
            unavailable[entry.region] = unavailable[entry.region] ?? failure
            throw LineRejection.regionUnavailable(
                entry.region,
                failure,
                field: "externalId",
                needs: "holds this event's subject"
            )
        }
        if case .refused(let reason, let message) = store.evaluator.decide(event.purpose, for: entry.standing, now: now)
        {
            throw LineRejection(reason: reason, field: "purpose", message: message)
        }
        return ResolvedEvent(
            line: event,
            lineNumber: line,
            region: entry.region,
            sid: entry.subject.sid,
            subjectID: entry.subject.id,
            country: entry.subject.country
        )
    }

    /// Looks up, with one read per region, the subjects of `events` not in the cache yet,
    /// and caches what it finds (and, when every region answered, what no region holds).
    /// Each read on a region's writer connection costs more than its query: it toggles
    /// `PRAGMA query_only`, which expires every prepared statement of the connection, so
    /// one lookup per subject meant re-preparing the event INSERT again and again.
    /// A subject that a failing region may hold is left to ``resolve(_:line:now:)``,
    /// which asks again and refuses the line as before.
    mutating func prefetch(_ events: [EventLine]) throws {
        var missing: [String: [String]] = [:]  // normalized externalId → the externalIds that name it
        for event in events where cache[event.externalID] == nil {
            missing[event.normalizedExternalID, default: []].append(event.externalID)
        }
        guard !missing.isEmpty else { return }
        var found: [String: Entry] = [:]
        var everyRegionAnswered = true
        for region in vault.regionIDs {
            let wanted = missing.keys.filter { found[$0] == nil }
            if wanted.isEmpty { break }
            let answer = try vault.forRegion(region) { store -> [String: Entry] in
                try store.readForWrite { db -> [String: Entry] in
                    var entries: [String: Entry] = [:]
                    for identifier in wanted {
                        let index = store.externalIndex(normalized: identifier)
                        guard let subject = try store.subject(externalIndex: index, in: db) else { continue }
                        entries[identifier] = Entry(
                            region: region,
                            subject: subject,
                            standing: try store.standing(of: subject, in: db)
                        )
                    }
                    return entries
                }
            }
            switch answer {
            case .success(let entries): found.merge(entries) { first, _ in first }
            case .failure: everyRegionAnswered = false
            }
        }
        for (identifier, externalIDs) in missing {
            let entry = found[identifier]
            // Not found while a region could not answer: resolve asks again, line by line.
            guard entry != nil || everyRegionAnswered else { continue }
            for externalID in externalIDs {
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[externalID] = .some(entry)
            }
        }
    }

    /// The subject's entry, searching every region until one holds it. `nil` only when
    /// every region answered.
    private mutating func lookup(_ normalizedExternalID: String) throws -> Entry? {
        var failures: [RegionID: VaultError] = [:]
        for region in vault.regionIDs {
            let found = try vault.forRegion(region) { store -> Entry? in
                let index = store.externalIndex(normalized: normalizedExternalID)
                return try store.readForWrite { db -> Entry? in
                    guard let subject = try store.subject(externalIndex: index, in: db) else { return nil }
                    return Entry(region: region, subject: subject, standing: try store.standing(of: subject, in: db))
                }
            }
            switch found {
            case .success(let entry?): return entry
            case .success(nil): continue
            case .failure(let failure): failures[region] = failure
            }
        }
        guard let region = failures.keys.min() else { return nil }
        unavailable.merge(failures) { first, _ in first }
        throw LineRejection.regionUnavailable(
            region,
            failures[region]!,
            field: "externalId",
            needs: "may hold this event's subject"
        )
    }
}
