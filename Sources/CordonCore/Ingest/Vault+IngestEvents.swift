import CordonAudit
import CordonCrypto
import CordonStore
import Foundation

extension Vault {
    /// Ingests event lines: each must name a known subject, follows that subject into its
    /// region, and is stored only if the event's purpose is lawful for the subject now.
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
        // transaction is as large as the batch size however the regions interleave.
        var pending: [RegionID: [ResolvedEvent]] = [:]
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
                let now = options.now ?? Int64(Date().timeIntervalSince1970)
                let event = try EventLine.parse(
                    line.bytes,
                    catalog: configuration.catalog,
                    times: PlausibleTimes(now: now, maximumSkew: options.maximumClockSkew)
                )
                let resolved = try resolver.resolve(event, now: now)
                if let permitted = options.permittedRegions, !permitted.contains(resolved.region) {
                    throw LineRejection(
                        reason: .regionNotPermitted,
                        field: "externalId",
                        message: "this subject lives in region \(resolved.region), which this caller may not write to"
                    )
                }
                pending[resolved.region, default: []].append(resolved)
            } catch var rejection as LineRejection {
                rejection.line = line.number
                summary.reject(rejection)
                onReject(rejection)
            }
            for (region, events) in pending where events.count >= options.batchSize {
                try writeEvents(events, region: region, context: context, summary: &summary)
                pending[region] = nil
            }
            if linesSinceProgress >= options.batchSize {
                linesSinceProgress = 0
                progress(summary)
            }
        }
        for region in pending.keys.sorted() {
            try writeEvents(pending[region]!, region: region, context: context, summary: &summary)
        }
        summary.blankLines = reader.blankLines
        summary.diagnose(sample)
        progress(summary)
        return summary
    }

    private func writeEvents(
        _ events: [ResolvedEvent],
        region: RegionID,
        context: AccessContext,
        summary: inout IngestSummary
    ) throws {
        var subjects: [SubjectID] = []
        var seen = Set<Int64>()
        for event in events where seen.insert(event.sid).inserted { subjects.append(event.subjectID) }
        let (_, receipt) = try write(
            .region(region),
            context: context,
            { db in
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
            },
            entry: { _ in
                let purposes = Set(events.map(\.line.purpose))
                return AuditRecord(
                    action: "ingest.events",
                    regions: [region],
                    purpose: purposes.count == 1 ? purposes.first : nil,
                    subjects: subjects,
                    details: ["accepted": .integer(Int64(events.count))]
                )
            }
        )
        if let receipt { summary.noteAudit(receipt.sequence) }
        summary.accepted += events.count
        summary.acceptedByRegion[region.rawValue, default: 0] += events.count
    }
}

/// An event whose subject was found and whose purpose was lawful.
struct ResolvedEvent: Sendable {
    var line: EventLine
    var region: RegionID
    var sid: Int64
    var subjectID: SubjectID
    var country: CountryCode
}

/// Finds an event's subject across regions by blind index (each region has its own
/// index key) and decides the event's purpose, caching subjects seen recently. A store that
/// cannot be read is thrown as is: it is not the line's fault, and its message may name
/// server files that a rejection must never show.
struct SubjectResolver {
    struct Entry {
        var region: RegionID
        var subject: StoredSubject
        var standing: SubjectStanding
    }

    let vault: Vault
    private var cache: [String: Entry?] = [:]
    private static let cacheLimit = 100_000

    init(vault: Vault) {
        self.vault = vault
    }

    mutating func resolve(_ event: EventLine, now: Int64) throws -> ResolvedEvent {
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
        let store = try? vault.store(entry.region)
        let decision =
            store?.evaluator.decide(event.purpose, for: entry.standing, now: now)
            ?? .refused(reason: .noLawfulBasis, message: "region \(entry.region) is unavailable")
        if case .refused(let reason, let message) = decision {
            throw LineRejection(reason: reason, field: "purpose", message: message)
        }
        return ResolvedEvent(
            line: event,
            region: entry.region,
            sid: entry.subject.sid,
            subjectID: entry.subject.id,
            country: entry.subject.country
        )
    }

    private func lookup(_ normalizedExternalID: String) throws -> Entry? {
        for region in vault.regionIDs {
            let store = try vault.store(region)
            let index = store.externalIndex(normalized: normalizedExternalID)
            let found = try store.read { db -> Entry? in
                guard let subject = try store.subject(externalIndex: index, in: db) else { return nil }
                return Entry(region: region, subject: subject, standing: try store.standing(of: subject, in: db))
            }
            if let found { return found }
        }
        return nil
    }
}
