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
    ///
    /// ``find(_:context:)`` says, beside the matches, which regions an email lookup could
    /// not search.
    public func lookup(_ reference: SubjectReference, context: AccessContext) throws -> [SubjectLocation] {
        try find(reference, context: context).subjects
    }

    /// Finds subjects by id, externalId or email, searching every region that can serve.
    /// Audited as `subject.lookup`, found or not.
    ///
    /// A region whose store cannot serve (damaged, rolled back, missing) does not stop the
    /// others: a subject found elsewhere is returned (an id or externalId names at most one
    /// subject in all regions, so that answer is complete). "Not found" is said only when
    /// every region answered; otherwise the lookup throws the unavailable region's error
    /// (``VaultError/regions`` names it). An email may match subjects in several regions:
    /// its matches come with the regions that could not be searched
    /// (``SubjectLookup/unavailableRegions``).
    ///
    /// - Parameter regions: the regions to search (an HTTP token's); every region when `nil`.
    public func find(
        _ reference: SubjectReference,
        in regions: [RegionID]? = nil,
        context: AccessContext
    ) throws -> SubjectLookup {
        let search = try search(reference, in: regions)
        var details: [String: AuditDetailValue] = [
            "by": .string(reference.kind), "matches": .integer(Int64(search.found.count)),
        ]
        let unavailable = search.found.isEmpty || !reference.isUnique ? search.unavailable : [:]
        if !unavailable.isEmpty {
            details["unavailable"] = .string(unavailable.keys.sorted().map(\.rawValue).joined(separator: ","))
        }
        let touched = (search.found.map(\.region) + unavailable.keys.sorted()).uniqued()
        if search.found.isEmpty, !unavailable.isEmpty {
            let error = VaultError.regionsUnavailable(
                unavailable,
                "no region that answered holds the subject, and only every region together can say it does not exist"
            )
            try record(
                context,
                action: .subjectLookup,
                regions: touched,
                outcome: .error,
                reason: error.code.name,
                details: details
            )
            throw error
        }
        try record(
            context,
            action: .subjectLookup,
            regions: touched,
            subjects: search.found.map(\.subject.id),
            outcome: search.found.isEmpty ? .denied : .ok,
            reason: search.found.isEmpty ? "not_found" : nil,
            details: details
        )
        let subjects = search.found.map { match in
            SubjectLocation(
                subjectId: match.subject.id,
                region: match.region.rawValue,
                policy: configuration.regions[match.region]!.policy.rawValue,
                createdAt: Timestamp.format(Date(timeIntervalSince1970: Double(match.subject.createdAt))),
                updatedAt: Timestamp.format(Date(timeIntervalSince1970: Double(match.subject.updatedAt)))
            )
        }
        return SubjectLookup(
            subjects: subjects,
            unavailableRegions: Dictionary(
                uniqueKeysWithValues: unavailable.map { ($0.key.rawValue, $0.value.code.name) }
            )
        )
    }

    /// The stored subjects a reference names, with their regions, from every region that
    /// can serve, and the failures of those that cannot (not audited: callers do).
    struct SubjectSearch {
        var found: [(region: RegionID, subject: StoredSubject)] = []
        var unavailable: [RegionID: VaultError] = [:]
    }

    /// Searches region by region (`regions`, or every region); an id or externalId search
    /// stops at its match.
    func search(_ reference: SubjectReference, in regions: [RegionID]? = nil) throws -> SubjectSearch {
        var search = SubjectSearch()
        for region in regions ?? regionIDs {
            switch try forRegion(region, { store in try matches(of: reference, in: store) }) {
            case .success(let matches): search.found += matches.map { (region, $0) }
            case .failure(let failure): search.unavailable[region] = failure
            }
            if reference.isUnique && !search.found.isEmpty { break }
        }
        return search
    }

    private func matches(of reference: SubjectReference, in store: RegionStore) throws -> [StoredSubject] {
        switch reference {
        case .id(let id):
            return try store.read { db in try store.subject(id: id, in: db).map { [$0] } ?? [] }
        case .externalID(let externalID):
            guard let index = try? store.externalIndex(externalID) else {
                throw VaultError(.invalidRequest, "the externalId is empty or too long")
            }
            return try store.read { db in try store.subject(externalIndex: index, in: db).map { [$0] } ?? [] }
        case .email(let email):
            guard let index = try? store.emailIndex(email) else {
                throw VaultError(.invalidRequest, "that is not an email address")
            }
            return try store.read { db in try store.subjects(emailIndex: index, in: db) }
        }
    }

    /// The stored subjects a reference names, with their regions (not audited: callers do).
    /// When nothing was found and a region could not be searched, throws that region's
    /// failure: the subject may be there.
    func locate(_ reference: SubjectReference) throws -> [(region: RegionID, subject: StoredSubject)] {
        let search = try search(reference)
        if search.found.isEmpty, !search.unavailable.isEmpty {
            throw VaultError.regionsUnavailable(
                search.unavailable,
                "no region that answered holds the subject, and it may be in one that did not"
            )
        }
        return search.found
    }

    /// Exactly one subject by id, or `subject_not_found` (audited as a denied `action`), or
    /// the failure of a region that could not be searched (audited as an `error`).
    func requireSubject(
        _ id: SubjectID,
        action: AuditAction,
        context: AccessContext
    ) throws -> (store: RegionStore, subject: StoredSubject) {
        let match: (region: RegionID, subject: StoredSubject)?
        do {
            match = try locate(.id(id)).first
        } catch let error as VaultError where error.isRegionStorageFailure {
            try record(context, action: action, regions: error.regions, outcome: .error, reason: error.code.name)
            throw error
        }
        guard let match else {
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

    /// Whether the reference names at most one subject in all regions (ids are random;
    /// ingest keeps an externalId in one region), so a match ends the search.
    var isUnique: Bool {
        if case .email = self { false } else { true }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
