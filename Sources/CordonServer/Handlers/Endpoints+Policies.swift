import CordonCore
import Foundation

struct PolicySummary: Encodable {
    var id: String
    var version: String
    var name: String
    var jurisdiction: String
    var regions: [String]
}

extension Endpoints {
    /// `GET /v1/policies`: every policy in force, with the regions it governs.
    func policies(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let configuration = try context.requireSession().vault.configuration
        let summaries = configuration.policies.values.sorted { $0.id.rawValue < $1.id.rawValue }.map { policy in
            PolicySummary(
                id: policy.id.rawValue,
                version: policy.version,
                name: policy.name,
                jurisdiction: policy.jurisdiction,
                regions: configuration.regions.values.filter { $0.policy == policy.id }.map(\.id.rawValue).sorted()
            )
        }
        return try HTTPResponse.json(["policies": summaries])
    }

    /// `GET /v1/policies/{id}`: the policy document as shipped (machine-readable rules with
    /// their legal sources).
    func policy(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        let session = try context.requireSession()
        guard let id = context.parameter("id"), let document = session.policyDocuments[PolicyID(rawValue: id)] else {
            throw APIError(
                status: 404,
                code: "policy_not_found",
                message: "no such policy; GET /v1/policies lists them"
            )
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: document)
    }
}
