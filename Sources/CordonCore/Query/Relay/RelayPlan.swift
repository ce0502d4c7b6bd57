import CordonAudit
import CordonCrypto
import Foundation

/// A query a coordinator validated and planned over the whole configuration (every
/// region, not only the ones its vault holds, which are none): what to send to which
/// regions' nodes, and what to merge their releases with (decision 0027).
public struct RelayPlan: Sendable {
    public let canonicalQuery: String
    /// The regions the query may touch, inside the caller's scope, in id order.
    public let regions: [RegionID]
    public let purpose: Purpose
    public let analyst: String
    let query: ValidatedQuery
    let configuration: PolicyConfiguration
}

extension Vault {
    /// Parses, validates and plans a query with the same catalog the nodes use, as a
    /// coordinator must before it relays anything; a refusal is audited (`query.relay`,
    /// `denied`) before it is thrown. Nothing is read and nothing is spent here.
    /// - Parameter configuration: every region's policy (the coordinator holds none).
    /// - Throws: ``QueryError``.
    public func planRelay(
        _ text: String,
        purpose: Purpose,
        analyst: String,
        context: AccessContext,
        options: QueryOptions,
        configuration: PolicyConfiguration
    ) throws -> RelayPlan {
        var canonical: String?
        do {
            try Self.requireRelayable(purpose, analyst: analyst, options: options, catalog: configuration.catalog)
            let query = try QueryValidator(catalog: configuration.catalog).validate(try QueryParser.parse(text))
            canonical = query.canonicalText
            var planning = options
            planning.now = options.now ?? Int64(Date().timeIntervalSince1970)
            var regions = try QueryPlanner(configuration: configuration, options: planning).plan(query).map(\.region)
            if let permitted = options.permittedRegions {
                let touched = regions
                regions = regions.filter(permitted.contains)
                if regions.isEmpty && !touched.isEmpty {
                    throw QueryError(
                        .refused,
                        "this query reads only regions (\(touched.map(\.rawValue).joined(separator: ", "))) outside your token's scope (\(permitted.map(\.rawValue).sorted().joined(separator: ", ")))"
                    )
                }
            }
            return RelayPlan(
                canonicalQuery: query.canonicalText,
                regions: regions.sorted(),
                purpose: purpose,
                analyst: analyst,
                query: query,
                configuration: configuration
            )
        } catch let error as QueryError {
            var details: [String: AuditDetailValue] = ["analyst": .string(analyst), "error": .string(error.code.name)]
            if canonical == nil { details["query.sha256"] = .string(Hex.encode(SHA256.hash(Array(text.utf8)))) }
            try recordQuery(
                context,
                action: .queryRelay,
                regions: [],
                purpose: purpose,
                query: canonical,
                cost: PrivacyCost(microEpsilon: 0),
                outcome: .denied,
                reason: String(error.description.prefix(300)),
                details: details
            )
            throw error
        }
    }

    /// The checks every query passes before parsing, as on a node: a purpose analysts may
    /// query, one the caller's token names, and a well-formed analyst name.
    static func requireRelayable(
        _ purpose: Purpose,
        analyst: String,
        options: QueryOptions,
        catalog: Catalog
    ) throws {
        if let refusal = catalog.queryRefusal(for: purpose) { throw QueryError(.purpose, refusal) }
        if let permitted = options.permittedPurposes, !permitted.contains(purpose) {
            let names = permitted.sorted().map(\.rawValue).joined(separator: ", ")
            throw QueryError(
                .purposeNotPermitted,
                permitted.isEmpty
                    ? "this token may query for no purpose; an admin can issue one with the purposes it needs (token create --purposes)"
                    : "this token may query only for: \(names); '\(purpose)' is not one of them"
            )
        }
        guard !analyst.isEmpty, analyst.count <= 128,
            analyst.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@:".contains($0)) })
        else {
            throw QueryError(.invalid, "an analyst name is 1-128 ASCII letters, digits and - _ . @ :")
        }
    }
}
