import CordonCore
import Foundation

/// What `POST /v1/subjects` and `POST /v1/events` return: the summary `cordon ingest`
/// prints, and each refused line (number, reason, field, message; never its data).
struct IngestResponse: Encodable {
    var summary: IngestSummary
    var rejections: [LineRejection]
}

extension Endpoints {
    enum IngestKind {
        case subjects
        case events

        /// The endpoint's name, bound into an idempotency key's request digest.
        var name: String {
            switch self {
            case .subjects: "subjects"
            case .events: "events"
            }
        }
    }

    /// NDJSON batch ingest; lines whose region is outside the token's regions are refused
    /// one by one as `region_not_permitted`.
    ///
    /// Each region's accepted lines are written in one transaction (the body holds at most
    /// `maximumLinesPerBatch` lines), so a region has all of them or none. With an
    /// `Idempotency-Key`, each region's transaction records the key, a retry writes only
    /// what an earlier attempt did not, and once every line has its final answer the
    /// response is kept for 24 h and returned again byte for byte (decision 0010).
    func ingest(_ kind: IngestKind, _ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard request.mediaType == "application/x-ndjson" else {
            throw APIError.unsupportedMediaType(expected: "application/x-ndjson")
        }
        guard
            Self.lineCount(request.body, stoppingAfter: configuration.maximumLinesPerBatch)
                <= configuration.maximumLinesPerBatch
        else {
            throw APIError.tooManyLines(limit: configuration.maximumLinesPerBatch)
        }
        // A line for a region this node does not hold refuses the whole batch (decision 0024).
        try routeBatch(request.body, context)
        guard let key = request.headers["idempotency-key"] else {
            return try ingest(kind, request, context, session: session, idempotency: nil)
        }
        let idempotency = try IngestIdempotency(key: key, kind: kind.name, body: request.body)
        return try session.vault.withIngestKey(idempotency) {
            if let recorded = try session.vault.recordedIngestResponse(for: idempotency, context: context.access) {
                return HTTPResponse(
                    status: recorded.status,
                    headers: [("Content-Type", "application/json"), ("Idempotent-Replayed", "true")],
                    body: recorded.body
                )
            }
            let response = try ingest(kind, request, context, session: session, idempotency: idempotency)
            if response.isFinal {
                try session.vault.recordIngestResponse(
                    RecordedIngestResponse(status: response.status, body: response.body),
                    for: idempotency,
                    context: context.access
                )
            }
            return response
        }
    }

    /// One ingest run over the body. A batch none of whose lines could be stored because
    /// regions cannot serve answers their status (503, 507 for a full volume); lines
    /// refused as `region_unavailable` beside stored ones are listed in a `200`, which is
    /// then not final: the same batch with the same key writes them later.
    private func ingest(
        _ kind: IngestKind,
        _ request: HTTPRequest,
        _ context: RequestContext,
        session: VaultSession,
        idempotency: IngestIdempotency?
    ) throws -> HTTPResponse {
        var options = IngestOptions()
        options.maximumClockSkew = configuration.maximumClockSkewSeconds
        options.batchSize = max(1, configuration.maximumLinesPerBatch)
        options.idempotency = idempotency
        options.coalesce = kind == .events  // concurrent requests share region transactions (decision 0018)
        options.permittedRegions = Set(session.vault.regionIDs.filter { permits(context, region: $0) })
        var rejections: [LineRejection] = []
        let reader = LineReader(bytes: request.body)
        let summary =
            switch kind {
            case .subjects:
                try session.vault.ingestSubjects(
                    from: reader,
                    context: context.access,
                    options: options,
                    onReject: { rejections.append($0) }
                )
            case .events:
                try session.vault.ingestEvents(
                    from: reader,
                    context: context.access,
                    options: options,
                    onReject: { rejections.append($0) }
                )
            }
        metrics.recordRejectedLines(summary.rejectedByReason)
        for region in summary.acceptedByRegion.keys { context.touch(region: RegionID(rawValue: region)) }
        if let failure = summary.unavailability { throw failure }
        rejections.sort { $0.line < $1.line }
        var response = try HTTPResponse.json(IngestResponse(summary: summary, rejections: rejections))
            .audited(!summary.auditEntries.isEmpty)
        response.isFinal = summary.unavailableRegions == nil
        return response
    }

    /// Lines in `body`, blank ones included, counting no further than one past `limit`: a
    /// final line without a newline counts, a final newline does not start another. Blank
    /// lines are skipped by ingest, but a batch of them is still a batch of lines.
    static func lineCount(_ body: [UInt8], stoppingAfter limit: Int) -> Int {
        var count = 0
        for byte in body where byte == 0x0A {
            count += 1
            if count > limit { return count }
        }
        return body.last.map { $0 == 0x0A ? count : count + 1 } ?? 0
    }
}
