import CordonAudit
import Foundation

extension Vault {
    /// How a DSR names its subject.
    public enum SubjectReference: Sendable {
        case id(SubjectID)
        case externalID(String)
        case email(String)
    }

    /// Finds subjects by id, externalId or email (through each region's blind index; an
    /// email may match several subjects). Audited as `subject.lookup`, found or not.
    public func lookup(_ reference: SubjectReference, context: AccessContext) throws -> [SubjectLocation] {
        let found = try locate(reference)
        try record(
            context,
            action: "subject.lookup",
            regions: found.map(\.region).uniqued(),
            subjects: found.map(\.subject.id),
            outcome: found.isEmpty ? .denied : .ok,
            reason: found.isEmpty ? "not_found" : nil,
            details: ["by": .string(reference.kind), "matches": .integer(Int64(found.count))]
        )
        return found.map { match in
            SubjectLocation(
                subjectId: match.subject.id,
                region: match.region.rawValue,
                policy: configuration.regions[match.region]!.policy.rawValue,
                createdAt: Timestamp.format(Date(timeIntervalSince1970: Double(match.subject.createdAt))),
                updatedAt: Timestamp.format(Date(timeIntervalSince1970: Double(match.subject.updatedAt)))
            )
        }
    }

    /// The stored subjects a reference names, with their regions (not audited: callers do).
    func locate(_ reference: SubjectReference) throws -> [(region: RegionID, subject: StoredSubject)] {
        var found: [(RegionID, StoredSubject)] = []
        for region in regionIDs {
            let store = try store(region)
            let matches: [StoredSubject]
            switch reference {
            case .id(let id):
                matches = try store.read { db in try store.subject(id: id, in: db).map { [$0] } ?? [] }
            case .externalID(let externalID):
                guard let index = try? store.externalIndex(externalID) else {
                    throw VaultError(.invalidRequest, "the externalId is empty or too long")
                }
                matches = try store.read { db in try store.subject(externalIndex: index, in: db).map { [$0] } ?? [] }
            case .email(let email):
                guard let index = try? store.emailIndex(email) else {
                    throw VaultError(.invalidRequest, "that is not an email address")
                }
                matches = try store.read { db in try store.subjects(emailIndex: index, in: db) }
            }
            found += matches.map { (region, $0) }
        }
        return found
    }

    /// Exactly one subject by id, or `subject_not_found` (audited as a denied `action`).
    func requireSubject(
        _ id: SubjectID,
        action: String,
        context: AccessContext
    ) throws -> (store: RegionStore, subject: StoredSubject) {
        guard let match = try locate(.id(id)).first else {
            try record(context, action: action, outcome: .denied, reason: "not_found")
            throw VaultError(
                .subjectNotFound,
                "no subject \(id) in any region (erased, or never ingested); find ids with `cordon subject lookup`"
            )
        }
        return (try store(match.region), match.subject)
    }
}

extension Vault.SubjectReference {
    var kind: String {
        switch self {
        case .id: "subject_id"
        case .externalID: "external_id"
        case .email: "email"
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
