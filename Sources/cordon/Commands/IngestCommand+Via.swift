import CordonCore
import Dispatch
import Foundation
import Synchronization

/// `cordon ingest subjects|events --via URL FILE`: splits the file by each line's country
/// into one part per region and posts each part straight to its region's node, in parallel
/// (decision 0024). No node ever forwards a person's data to another; this client does the
/// routing, and merges the nodes' per-line answers under the file's own line numbers.
struct RoutedIngest {
    /// Lines per request (each node's default limit is 10000 per batch).
    static let linesPerRequest = 5000
    /// Bytes per request, under each node's default body limit of 8 MiB.
    static let bytesPerRequest = 4 << 20

    /// `subjects` or `events`; `nil` tells them apart by the file's first object line (an
    /// event line has `event` and `ts`), for `cordon ingest --via URL FILE`.
    let kind: String?
    let via: URL
    let tokens: NodeTokens
    let quiet: Bool

    /// Routes, posts and merges; the summary's line numbers are the file's.
    func run(file: String) throws -> RoutedIngestSummary {
        let directory = try RegionDirectoryReply.fetch(from: via, client: NodeClient(token: tokens.token(for: nil)))
        var summary = RoutedIngestSummary(kind: kind ?? "subjects", via: via.absoluteString)
        let parts = try split(file: file, directory: directory, summary: &summary)
        let routing = RoutedIngest(kind: summary.kind, via: via, tokens: tokens, quiet: quiet)
        let total = parts.values.reduce(0) { $0 + $1.lines.count }
        let answered = Mutex(0)
        let outcomes = Mutex<[String: RegionOutcome]>([:])
        let group = DispatchGroup()
        for (region, part) in parts {
            DispatchQueue.global().async(group: group) {
                let outcome = routing.post(part, region: region) { count in
                    let done = answered.withLock { value in
                        value += count
                        return value
                    }
                    if !quiet {
                        Output.standardError(
                            "ingest --via: \(done) of \(total) lines answered (\(region): \(count) more)"
                        )
                    }
                }
                outcomes.withLock { $0[region] = outcome }
            }
        }
        group.wait()
        for (region, outcome) in outcomes.withLock({ $0 }) { summary.merge(outcome, region: region) }
        summary.rejections.sort { $0.line < $1.line }
        return summary
    }

    /// One region's lines and the node they go to.
    struct Part: Sendable {
        var nodeURL: URL
        var lines: [(number: Int, bytes: [UInt8])] = []
    }

    /// Reads the file and sorts each line into its region's part; a line that cannot be
    /// routed (no country, a country no region lists, a region without a node) is refused
    /// here, under its own number, and sent nowhere.
    func split(
        file: String,
        directory: RegionDirectoryReply,
        summary: inout RoutedIngestSummary
    ) throws -> [String: Part] {
        let reader = try LineReader(path: file)
        var parts: [String: Part] = [:]
        var kindKnown = kind != nil
        while let line = try reader.next() {
            summary.lines += 1
            if !kindKnown, let object = Self.object(line.bytes) {
                summary.kind = object["event"] != nil && object["ts"] != nil ? "events" : "subjects"
                kindKnown = true
            }
            guard !line.isTooLong else {
                summary.refuse(line.number, reason: "line_too_long", message: "line is longer than 65536 bytes")
                continue
            }
            guard let country = Self.country(of: line.bytes) else {
                summary.refuse(
                    line.number,
                    reason: "unroutable",
                    field: "country",
                    message:
                        "the line is not a JSON object with a country: --via routes each line by its subject's country (on event lines, the optional \"country\" field)"
                )
                continue
            }
            guard let region = directory.region(ofCountry: country) else {
                summary.refuse(
                    line.number,
                    reason: "unknown_country",
                    field: "country",
                    message: "the country maps to no region the node at \(via.absoluteString) lists (GET /v1/regions)"
                )
                continue
            }
            guard let text = region.nodeUrl, let url = URL(string: text) else {
                summary.refuse(
                    line.number,
                    region: region.id,
                    reason: "no_node",
                    field: "country",
                    message:
                        "region \(region.id) has no known node: give the node at \(via.absoluteString) its URL (`cordon serve --node \(region.id)=URL`), then send this line again"
                )
                continue
            }
            parts[region.id, default: Part(nodeURL: url)].lines.append((line.number, line.bytes))
        }
        summary.blankLines = reader.blankLines
        return parts
    }

    /// The top-level `country` string of one NDJSON line, if it has one.
    static func country(of bytes: [UInt8]) -> String? {
        object(bytes)?["country"] as? String
    }

    /// One NDJSON line as a JSON object, if it is one.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }

    /// Posts one region's part in requests of at most ``linesPerRequest`` lines, one after
    /// the other; once its node refuses a request, the rest of the part is refused unsent.
    func post(_ part: Part, region: String, answered: (Int) -> Void) -> RegionOutcome {
        var outcome = RegionOutcome(nodeURL: part.nodeURL.absoluteString)
        let endpoint = part.nodeURL.appendingPathComponent("v1/\(kind ?? "subjects")")
        let client = NodeClient(token: tokens.token(for: region))
        var refusal: (reason: String, message: String)?
        for chunk in Self.chunks(part.lines) {
            outcome.lines += chunk.count
            if let refusal {
                outcome.refuseAll(chunk, region: region, reason: refusal.reason, message: refusal.message)
                answered(chunk.count)
                continue
            }
            var body = Data()
            for line in chunk {
                body.append(contentsOf: line.bytes)
                body.append(0x0A)
            }
            outcome.requests += 1
            do {
                let reply = try client.send("POST", endpoint, body: body, contentType: "application/x-ndjson")
                if reply.status == 200, let response = try? JSONDecoder().decode(NodeIngestReply.self, from: reply.body)
                {
                    outcome.add(response, chunk: chunk, region: region)
                } else {
                    let (code, message) = NodeClient.errorSummary(reply)
                    refusal = (code, "the node \(outcome.nodeUrl) answered \(reply.status) \(code): \(message)")
                    outcome.refuseAll(chunk, region: region, reason: refusal!.reason, message: refusal!.message)
                }
            } catch {
                refusal = ("node_unreachable", "\(error); send this line again once the node answers")
                outcome.refuseAll(chunk, region: region, reason: refusal!.reason, message: refusal!.message)
            }
            answered(chunk.count)
        }
        return outcome
    }

    /// `lines` cut into requests of at most ``linesPerRequest`` lines and about
    /// ``bytesPerRequest`` bytes.
    static func chunks(_ lines: [(number: Int, bytes: [UInt8])]) -> [[(number: Int, bytes: [UInt8])]] {
        var chunks: [[(number: Int, bytes: [UInt8])]] = []
        var current: [(number: Int, bytes: [UInt8])] = []
        var bytes = 0
        for line in lines {
            if !current.isEmpty && (current.count == linesPerRequest || bytes + line.bytes.count + 1 > bytesPerRequest)
            {
                chunks.append(current)
                current = []
                bytes = 0
            }
            current.append(line)
            bytes += line.bytes.count + 1
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}

/// The bearer tokens of `--via`: one per region's node where given, else the fallback.
struct NodeTokens: Sendable {
    var fallback: String?
    var byRegion: [String: String] = [:]

    /// The token for `region`'s node (`nil`: the --via node itself).
    func token(for region: String?) -> String {
        region.flatMap { byRegion[$0] } ?? fallback ?? ""
    }
}

/// What `POST /v1/subjects` and `POST /v1/events` answer, as a client reads it.
struct NodeIngestReply: Decodable {
    var summary: IngestSummary
    var rejections: [LineRejection]
}
