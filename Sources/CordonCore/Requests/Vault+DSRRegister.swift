import CordonAudit
import CordonStore
public import Foundation

/// The DSR register's one door: every change is one audited, anchored write to
/// `control.db`, so a request exists, moves or completes exactly when the audit trail says
/// so — if the entry cannot be made durable, nothing changed (decision 0009).
extension Vault {
    /// The region whose law governs a request: the subject's own region when a subject id
    /// is given (where it is stored, or was erased from), otherwise `region`.
    ///
    /// A `region` that disagrees with the subject's is refused
    /// (``ControlError/Code/regionMismatch``): a request for an EU subject is due as GDPR
    /// says, whatever region was typed. Not audited: the server calls it to authorize the
    /// region before ``openRequest(_:region:subject:externalRef:receivedAt:context:)``,
    /// which decides it again.
    public func governingRegion(_ region: RegionID?, subject: String?) throws -> RegionID {
        if let region, configuration.regions[region] == nil {
            throw VaultError(
                .unknownRegion,
                "no region '\(region)'; regions: \(regionIDs.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let subject else {
            guard let region else {
                throw ControlError(
                    .invalidInput,
                    "give the region whose law governs the request, or the subject's id (the region is then the subject's)"
                )
            }
            return region
        }
        try ControlInput.validate(subjectID: subject)
        let found: RegionID
        if let id = SubjectID(rawValue: subject), let match = try locate(.id(id)).first {
            found = match.region
        } else if let tombstone = try control.tombstone(of: subject) {
            found = tombstone.region  // erased already: the request is still answered (with the receipt)
        } else {
            throw VaultError(
                .subjectNotFound,
                "no subject with that id in any region (erased before tombstones, or never ingested); find ids with `cordon subject lookup`, or register the request with the requester's reference only"
            )
        }
        if let region, region != found {
            throw ControlError(
                .regionMismatch,
                "the subject's data is held in region \(found) (policy \(configuration.policy(for: found).id)), whose law governs the request, not \(region): leave the region out or give \(found)"
            )
        }
        return found
    }

    /// Registers a data-subject request received at `receivedAt`, due as the governing
    /// region's policy says (``governingRegion(_:subject:)``). Audited as `dsr.open` in the
    /// same transaction.
    ///
    /// - Parameters:
    ///   - region: The region whose law governs the request; taken from the subject when
    ///     `subject` is given (a different one is refused).
    ///   - subject: Cordon's id of the subject, once the person is found; never an email.
    ///   - externalRef: The requester's ticket reference. One of the two is required.
    public func openRequest(
        _ kind: Right,
        region: RegionID?,
        subject: String?,
        externalRef: String?,
        receivedAt: Date,
        context: AccessContext
    ) throws -> DSRRequest {
        let region = try governingRegion(region, subject: subject)
        let policy = configuration.policy(for: region)
        return try write(
            .control,
            context: context,
            { db in
                try dsr.open(
                    kind: kind,
                    region: region,
                    policy: policy,
                    subjectID: subject,
                    externalRef: externalRef,
                    receivedAt: receivedAt,
                    in: db
                )
            },
            entry: { request in Self.registerRecord(.dsrOpen, request) }
        ).value
    }

    /// Extends an open request's deadline once, as its policy allows. Audited as
    /// `dsr.extend` in the same transaction.
    public func extendRequest(
        _ id: String,
        reason: String?,
        context: AccessContext,
        now: Date = Date()
    ) throws -> DSRRequest {
        try write(
            .control,
            context: context,
            { db in try dsr.extend(id: id, reason: reason, now: now, in: db) },
            entry: { request in Self.registerRecord(.dsrExtend, request) }
        ).value
    }

    /// Marks an open request answered now, with a short outcome (no personal data).
    /// Audited as `dsr.complete` in the same transaction.
    public func completeRequest(
        _ id: String,
        outcome: String?,
        context: AccessContext,
        now: Date = Date()
    ) throws -> DSRRequest {
        try write(
            .control,
            context: context,
            { db in try dsr.complete(id: id, outcome: outcome, now: now, in: db) },
            entry: { request in Self.registerRecord(.dsrComplete, request) }
        ).value
    }

    /// The requests matching `filter` at `now` that `visible` lets the caller see (an HTTP
    /// token's regions), soonest deadline in force first. Audited as `dsr.list`.
    public func listRequests(
        _ filter: DSRRequest.Filter = .open,
        now: Date,
        context: AccessContext,
        visible: (RegionID) -> Bool = { _ in true }
    ) throws -> [DSRRequest] {
        let requests = try control.read("list requests") { db in try dsr.list(filter: filter, now: now, in: db) }
            .filter { visible($0.region) }
        try record(context, Self.readRecord(.dsrList, requests))
        return requests
    }

    /// One request in full. Audited as `dsr.show`.
    public func showRequest(_ id: String, context: AccessContext) throws -> DSRRequest {
        let request = try dsrRequest(id)
        try record(context, Self.readRecord(.dsrShow, [request]))
        return request
    }

    /// The request with this id, not audited: callers use it to decide access (an HTTP
    /// token's regions) and audit their decision.
    ///
    /// - Throws: ``ControlError/Code/unknownRequest`` when there is none.
    public func dsrRequest(_ id: String) throws -> DSRRequest {
        try control.read("read the request") { db in try dsr.request(id: id, in: db) }
    }

    /// The entry of a change to one request: its region, subject (as a pseudonym), id and right.
    static func registerRecord(_ action: AuditAction, _ request: DSRRequest) -> AuditRecord {
        AuditRecord(
            action: action,
            regions: [request.region],
            subjects: request.subjectID.flatMap(SubjectID.init(rawValue:)).map { [$0] } ?? [],
            details: ["request": .string(request.id), "right": .string(request.kind.rawValue)]
        )
    }

    /// The entry of a read of the register: the requests' regions, subjects and ids.
    static func readRecord(_ action: AuditAction, _ requests: [DSRRequest]) -> AuditRecord {
        AuditRecord(
            action: action,
            regions: requests.map(\.region).uniqued().sorted(),
            subjects: requests.compactMap { $0.subjectID.flatMap(SubjectID.init(rawValue:)) }.uniqued(),
            details: [
                "requests": .integer(Int64(requests.count)),
                "request": .string(requests.count == 1 ? requests[0].id : "\(requests.count) requests"),
            ]
        )
    }
}
