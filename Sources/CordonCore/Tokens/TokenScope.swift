import Foundation

/// The regions an API token may touch: every region, or a fixed set.
public enum TokenScope: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every region this instance has, now and later.
    case allRegions
    /// Only these regions.
    case regions(Set<RegionID>)

    /// Whether `region` is inside the scope.
    public func permits(_ region: RegionID) -> Bool {
        switch self {
        case .allRegions: true
        case .regions(let regions): regions.contains(region)
        }
    }

    /// Whether every region `other` reaches is inside this scope: only then may a token of
    /// this scope act on a token of `other` ("a token with fewer regions cannot act on one
    /// with more"). Every region includes regions added later, so only `allRegions`
    /// contains `allRegions`.
    public func contains(_ other: TokenScope) -> Bool {
        switch (self, other) {
        case (.allRegions, _): true
        case (.regions, .allRegions): false
        case (.regions(let mine), .regions(let theirs)): theirs.isSubset(of: mine)
        }
    }

    /// The permitted regions among `candidates`, in their order.
    public func filter(_ candidates: [RegionID]) -> [RegionID] {
        candidates.filter(permits)
    }

    /// The regions as JSON shows them: `["*"]` for every region, otherwise sorted ids.
    public var names: [String] {
        switch self {
        case .allRegions: ["*"]
        case .regions(let regions): regions.map(\.rawValue).sorted()
        }
    }

    /// `*` or the sorted ids joined by commas (the stored form).
    public var description: String { names.joined(separator: ",") }

    /// Parses the stored or command-line form: `*` / `all`, or ids separated by commas.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "*" || trimmed == "all" {
            self = .allRegions
            return
        }
        let ids = trimmed.split(separator: ",").map { RegionID(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ !$0.rawValue.isEmpty }) else { return nil }
        self = .regions(Set(ids))
    }

    public init(from decoder: any Decoder) throws {
        let names = try decoder.singleValueContainer().decode([String].self)
        guard let scope = TokenScope(parsing: names.joined(separator: ",")) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no regions"))
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names)
    }
}
