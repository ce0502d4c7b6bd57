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
    }

    /// NDJSON batch ingest; lines whose region is outside the token's regions are refused
    /// one by one as `region_not_permitted`.
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
        var options = IngestOptions()
        options.maximumClockSkew = configuration.maximumClockSkewSeconds
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
        rejections.sort { $0.line < $1.line }
        return try HTTPResponse.json(IngestResponse(summary: summary, rejections: rejections))
            .audited(!summary.auditEntries.isEmpty)
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
