import CordonAudit
import Foundation

/// An audit entry as a node hands it to a coordinator's federated search (decision 0027):
/// what was done, when, in which regions, by which role and how it ended — without the
/// fields that say who did it or to whom. The subjects' pseudonyms, the actor and its name,
/// the query text (its literals are the analyst's) and every string detail not known to be
/// about the operation itself stay on the node; `sequence` names the full entry there.
///
/// The coordinator adds `node` and `nodeRegions` when it merges the nodes' answers.
struct RelayedAuditEntry: Codable, Sendable {
    var sequence: UInt64
    var time: AuditTimestamp
    var role: String
    var action: String
    var regions: [String]
    var purpose: String?
    var outcome: AuditOutcome
    var reason: String?
    var policyVersions: [String: String]
    var requestId: String
    var privacyCost: PrivacyCost?
    /// The integer details (counts, store anchors) and the string details of
    /// ``operationDetails``.
    var details: [String: AuditDetailValue]
    /// How many subjects the entry names (their pseudonyms stay on the node).
    var subjectCount: Int
    /// The node whose trail holds the entry (set by the coordinator).
    var node: String?
    /// The regions of that node (set by the coordinator).
    var nodeRegions: [String]?

    /// String details that describe the operation, never a person: the route and status of
    /// an HTTP entry, error codes, store and witnessing facts, the relays' node lists. A
    /// string detail under any other key (an analyst's or token's name, an idempotency key,
    /// a DSR's reference, rectified fields) is withheld: new keys fail closed.
    static let operationDetails: Set<String> = [
        "route", "method", "status", "error", "effect", "store", "kind", "peer", "origin", "rootHash",
        "checkpointRoot", "witnesses", "nodes", "nodesUnavailable", "regionsUnavailable", "view", "mechanism",
        "backupId", "masterKeyId", "pageCipher", "keyring", "right", "category", "state", "scope",
    ]

    enum CodingKeys: String, CodingKey {
        case sequence, time, role, action, regions, purpose, outcome, reason, policyVersions, requestId
        case privacyCost = "privacyCostMicroEpsilon"
        case details, subjectCount, node, nodeRegions
    }

    /// `entry` without its per-person fields.
    init(_ entry: AuditEntry) {
        sequence = entry.sequence
        time = entry.time
        role = entry.role
        action = entry.action
        regions = entry.regions
        purpose = entry.purpose
        outcome = entry.outcome
        reason = entry.reason
        policyVersions = entry.policyVersions
        requestId = entry.requestId
        privacyCost = entry.privacyCost
        details = entry.details.filter { key, value in
            if case .integer = value { return true }
            return Self.operationDetails.contains(key) || key.hasPrefix("epsilon.")
        }
        subjectCount = entry.subjects.count
    }
}

/// `GET /v1/audit/entries/relay`: a node's page for a coordinator.
struct RelayedAuditEntries: Codable {
    /// Oldest first.
    var entries: [RelayedAuditEntry]
    var treeSize: UInt64
    /// Whether the search stopped at the limit: more entries may match after the last.
    var truncated: Bool
}
