import CordonCore

/// The merged answer of `cordon ingest --via`: the nodes' summaries added up, each refused
/// line under the file's own line number with its region and node (never its data).
struct RoutedIngestSummary: Encodable {
    /// One refused line.
    struct Rejection: Encodable, Sendable {
        var line: Int
        var region: String?
        var nodeUrl: String?
        var reason: String
        var field: String?
        var message: String
    }

    var kind: String
    /// The node whose `GET /v1/regions` routed the file.
    var via: String
    /// Non-blank lines read, each accepted or refused.
    var lines = 0
    var blankLines = 0
    var accepted = 0
    var rejected = 0
    var rejectedByReason: [String: Int] = [:]
    var acceptedByRegion: [String: Int] = [:]
    var created = 0
    var updated = 0
    /// Per region: its node, the lines sent there and what became of them.
    var nodes: [String: RegionOutcome] = [:]
    var rejections: [Rejection] = []

    /// Whether there were lines and none was accepted.
    var refusedEverything: Bool { lines > 0 && accepted == 0 }

    /// Refuses a line this client could not route.
    mutating func refuse(_ line: Int, region: String? = nil, reason: String, field: String? = nil, message: String) {
        rejected += 1
        rejectedByReason[reason, default: 0] += 1
        rejections.append(
            Rejection(line: line, region: region, nodeUrl: nil, reason: reason, field: field, message: message)
        )
    }

    /// Adds one region's outcome.
    mutating func merge(_ outcome: RegionOutcome, region: String) {
        accepted += outcome.accepted
        rejected += outcome.rejected
        created += outcome.created
        updated += outcome.updated
        if outcome.accepted > 0 { acceptedByRegion[region, default: 0] += outcome.accepted }
        for rejection in outcome.rejections { rejectedByReason[rejection.reason, default: 0] += 1 }
        rejections += outcome.rejections
        var tally = outcome
        tally.rejections = []
        nodes[region] = tally
    }
}

/// What one region's node did with its part of the file.
struct RegionOutcome: Encodable, Sendable {
    var nodeUrl: String
    var lines = 0
    var requests = 0
    var accepted = 0
    var rejected = 0
    var created = 0
    var updated = 0
    var rejections: [RoutedIngestSummary.Rejection] = []

    init(nodeURL: String) { nodeUrl = nodeURL }

    private enum CodingKeys: String, CodingKey {
        case nodeUrl, lines, requests, accepted, rejected, created, updated
    }

    /// A node's answer to one request of `chunk`: its line numbers mapped back to the file's.
    mutating func add(_ reply: NodeIngestReply, chunk: [(number: Int, bytes: [UInt8])], region: String) {
        accepted += reply.summary.accepted
        rejected += reply.summary.rejected
        created += reply.summary.created
        updated += reply.summary.updated
        for rejection in reply.rejections {
            let index = rejection.line - 1
            rejections.append(
                RoutedIngestSummary.Rejection(
                    line: chunk.indices.contains(index) ? chunk[index].number : 0,
                    region: region,
                    nodeUrl: nodeUrl,
                    reason: rejection.reason.rawValue,
                    field: rejection.field,
                    message: rejection.message
                )
            )
        }
    }

    /// Refuses every line of `chunk` with one reason (the node refused the request, or an
    /// earlier one, or could not be reached).
    mutating func refuseAll(_ chunk: [(number: Int, bytes: [UInt8])], region: String, reason: String, message: String) {
        rejected += chunk.count
        for line in chunk {
            rejections.append(
                RoutedIngestSummary.Rejection(
                    line: line.number,
                    region: region,
                    nodeUrl: nodeUrl,
                    reason: reason,
                    field: nil,
                    message: message
                )
            )
        }
    }
}
