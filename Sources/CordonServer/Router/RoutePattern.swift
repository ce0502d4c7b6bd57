/// A path template such as `/v1/subjects/{id}/export`: literal segments and named
/// parameters, each matching exactly one non-empty segment.
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    /// The template as written, used as the metrics label.
    public let description: String

    public init(_ template: String) {
        description = template
        segments = template.split(separator: "/").map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    /// The parameters if `path` matches, else `nil`.
    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, path) {
            switch segment {
            case .literal(let literal): if part != literal { return nil }
            case .parameter(let name): parameters[name] = String(part)
            }
        }
        return parameters
    }

    /// Literal segments count, so `/v1/subjects/lookup` wins over `/v1/subjects/{id}`.
    var specificity: Int {
        segments.reduce(0) { count, segment in if case .literal = segment { count + 1 } else { count } }
    }
}
