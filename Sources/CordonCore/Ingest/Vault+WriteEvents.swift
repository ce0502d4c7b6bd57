import CordonAudit
import CordonStore
import Foundation

extension Vault {
    /// Writes one run's accepted events for `region` as one audited transaction, alone, or
    /// with other concurrent runs' events when the run allows it (``IngestOptions/coalesce``).
    func writeEventRows(
        _ events: [ResolvedEvent],
        region: RegionID,
        context: AccessContext,
        options: IngestOptions
    ) throws -> IngestCoalescer.Written {
        let own = IngestCoalescer.Batch(events: events, context: context)
        guard options.coalesce, options.idempotency == nil else {
            return try writeEventTransaction([own], region: region, idempotency: options.idempotency)
        }
        return try ingestCoalescer.write(own, region: region) { group in
            try writeEventTransaction(group, region: region, idempotency: nil)
        }
    }

    /// One transaction holding every batch of `group` (one principal), under one audit entry
    /// in the first batch's request; the others' request ids are listed in the entry.
    private func writeEventTransaction(
        _ group: [IngestCoalescer.Batch],
        region: RegionID,
        idempotency: IngestIdempotency?
    ) throws -> IngestCoalescer.Written {
        var subjects: [SubjectID] = []
        var seen = Set<Int64>()
        var accepted = 0
        var purposes = Set<Purpose>()
        for batch in group {
            accepted += batch.events.count
            for event in batch.events {
                purposes.insert(event.line.purpose)
                if seen.insert(event.sid).inserted { subjects.append(event.subjectID) }
            }
        }
        return try writeRegionBatch(
            region,
            context: group[0].context,
            idempotency: idempotency,
            { _, db in
                for batch in group {
                    for event in batch.events {
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
                }
                return RegionBatch(subjects: subjects, accepted: accepted)
            },
            entry: { _ in
                var details: [String: AuditDetailValue] = ["accepted": .integer(Int64(accepted))]
                if group.count > 1 {
                    details["coalescedRequests"] = .string(
                        group.dropFirst().map(\.context.requestID).joined(separator: " ")
                    )
                }
                return AuditRecord(
                    action: .ingestEvents,
                    regions: [region],
                    purpose: purposes.count == 1 ? purposes.first : nil,
                    subjects: subjects,
                    details: details
                )
            }
        )
    }
}
