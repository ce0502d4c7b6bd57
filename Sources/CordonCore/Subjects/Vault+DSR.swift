import CordonAudit
import Foundation

extension Vault {
    /// Records that a data-subject request was answered: completes the registered request
    /// `requestID` if one is given (it must be for the same right and region), otherwise
    /// registers the request as received and completed now, with its legal deadline.
    ///
    /// Rights the region's policy does not provide are not registered (the operation
    /// itself, for example a consent change, is still audited).
    @discardableResult
    func registerAnswered(
        _ kind: Right,
        store: RegionStore,
        subject: SubjectID,
        requestID: String?,
        outcome: String,
        context: AccessContext,
        now: Int64
    ) throws -> DSRRequest? {
        let date = Date(timeIntervalSince1970: Double(now))
        if let requestID {
            let request = try dsr.request(id: requestID)
            guard request.kind == kind, request.region == store.region.id else {
                throw VaultError(
                    .invalidRequest,
                    "request \(requestID) is a \(request.kind.rawValue) request in \(request.region), not \(kind.rawValue) in \(store.region.id)"
                )
            }
            let completed = try dsr.complete(id: requestID, outcome: outcome, now: date)
            try record(
                context,
                action: "dsr.complete",
                regions: [store.region.id],
                subjects: [subject],
                details: ["request": .string(requestID), "right": .string(kind.rawValue)]
            )
            return completed
        }
        guard store.policy.rights[kind]?.isProvided == true else { return nil }
        let request = try dsr.recordCompleted(
            kind: kind,
            region: store.region.id,
            policy: store.policy,
            subjectID: subject.rawValue,
            outcome: outcome,
            now: date
        )
        try record(
            context,
            action: "dsr.record",
            regions: [store.region.id],
            subjects: [subject],
            details: ["request": .string(request.id), "right": .string(kind.rawValue)]
        )
        return request
    }

    /// The right a consent change exercises, if it is one: restriction (GDPR Art. 18),
    /// objection (Art. 21), or the CCPA opt-out of sale/sharing (1798.120).
    static func right(for state: ConsentState, purpose: Purpose) -> Right? {
        switch state {
        case .restricted: .restriction
        case .objected: .objection
        case .withdrawn where purpose == "sale_or_share": .optOutSaleShare
        default: nil
        }
    }
}

extension Vault {
    /// Audits an action on the DSR register (`dsr.open`, `dsr.list`, `dsr.extend`, ...),
    /// naming the requests' regions and subjects (as pseudonyms) and ids.
    public func auditDSR(_ action: String, requests: [DSRRequest], context: AccessContext) throws {
        let subjects = requests.compactMap { $0.subjectID.flatMap(SubjectID.init(rawValue:)) }.uniqued()
        try record(
            context,
            action: action,
            regions: requests.map(\.region).uniqued().sorted(),
            subjects: subjects,
            details: [
                "requests": .integer(Int64(requests.count)),
                "request": .string(requests.count == 1 ? requests[0].id : "\(requests.count) requests"),
            ]
        )
    }
}
