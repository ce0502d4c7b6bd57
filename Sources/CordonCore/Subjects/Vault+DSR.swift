import CordonAudit
import CordonStore
import Foundation

/// How an operation on a subject answers a data-subject request: the request is checked
/// before any effect, and the register (and, for an erasure, the tombstone) is written
/// after it, in one audited write to `control.db` (decision 0009).
extension Vault {
    /// Checks, before any effect, that the registered request `requestID` can be answered
    /// by this operation: it exists, is not completed, is for `kind`, names this subject
    /// (when it names one), and is governed by the subject's region. A refusal is audited
    /// as a denied `action` and thrown as a ``ControlError``.
    ///
    /// - Parameter kind: The right the operation exercises; `nil` for one that exercises
    ///   none (granting consent), which can answer no request.
    @discardableResult
    func validateAnswer(
        _ requestID: String,
        kind: Right?,
        subject: SubjectID,
        region: RegionID,
        action: AuditAction,
        context: AccessContext
    ) throws -> DSRRequest {
        do {
            let request = try dsrRequest(requestID)
            try Self.check(request, answers: kind, subject: subject, region: region)
            return request
        } catch let error as ControlError {
            var details: [String: AuditDetailValue] = [:]
            if DSRRequest.isWellFormedID(requestID) { details["request"] = .string(requestID) }
            try record(
                context,
                AuditRecord(
                    action: action,
                    regions: [region],
                    subjects: [subject],
                    outcome: .denied,
                    reason: error.code.name,
                    details: details
                )
            )
            throw error
        }
    }

    /// Whether `request` may be answered by an operation exercising `kind` on `subject`,
    /// whose data is held in `region`.
    static func check(_ request: DSRRequest, answers kind: Right?, subject: SubjectID, region: RegionID) throws {
        guard !request.isCompleted else {
            throw ControlError(
                .alreadyCompleted,
                "\(request.id) was already completed at \(request.completedAt.map(Timestamp.format) ?? "an unknown time"); nothing was changed"
            )
        }
        guard let kind, request.kind == kind else {
            throw ControlError(
                .requestMismatch,
                "\(request.id) is a \(request.kind.rawValue) request; this operation answers "
                    + (kind.map { "\($0.rawValue) requests" } ?? "no request")
                    + ", so nothing was changed"
            )
        }
        if let named = request.subjectID, named != subject.rawValue {
            throw ControlError(
                .requestMismatch,
                "\(request.id) names another subject; nothing was changed (`cordon dsr show \(request.id)`)"
            )
        }
        guard request.region == region else {
            throw ControlError(
                .requestMismatch,
                "\(request.id) is governed by region \(request.region), but the subject's data is held in \(region); nothing was changed"
            )
        }
    }

    /// Writes what an answered request leaves in `control.db`, in one audited write after
    /// the effect it records: completes `requestID` if it is still open; without one,
    /// registers the request as received and answered now (when the region's policy
    /// provides the right); and, for an erasure (`erasedAt`), the tombstone.
    ///
    /// Audited as `dsr.complete` or `dsr.record` (with `tombstone` in the details), or
    /// `subject.tombstone` when only a tombstone was written. Returns the request
    /// completed or registered, if any.
    @discardableResult
    func recordAnswer(
        _ kind: Right?,
        region: RegionID,
        subject: SubjectID,
        requestID: String?,
        outcome: String,
        erasedAt: Int64? = nil,
        context: AccessContext,
        now: Int64
    ) throws -> DSRRequest? {
        struct Written: Sendable {
            var request: DSRRequest?
            var action: AuditAction?
            var tombstone = false
        }
        let date = Date(timeIntervalSince1970: Double(now))
        let policy = configuration.policy(for: region)
        return try write(
            .control,
            context: context,
            { db -> Written in
                var written = Written()
                if let erasedAt {
                    written.tombstone = try ControlStore.recordTombstone(
                        region: region,
                        subjectID: subject.rawValue,
                        erasedAt: Date(timeIntervalSince1970: Double(erasedAt)),
                        in: db
                    )
                }
                if let requestID {
                    // Checked before the effect; completed since by someone else, the
                    // effect still stands and the request is left as it is.
                    if try !dsr.request(id: requestID, in: db).isCompleted {
                        written.request = try dsr.complete(id: requestID, outcome: outcome, now: date, in: db)
                        written.action = .dsrComplete
                    }
                } else if let kind, policy.rights[kind]?.isProvided == true {
                    written.request = try dsr.recordCompleted(
                        kind: kind,
                        region: region,
                        policy: policy,
                        subjectID: subject.rawValue,
                        outcome: outcome,
                        now: date,
                        in: db
                    )
                    written.action = .dsrRecord
                }
                return written
            },
            entry: { written in
                guard let action = written.action ?? (written.tombstone ? .subjectTombstone : nil) else { return nil }
                var details: [String: AuditDetailValue] = [:]
                if let request = written.request {
                    details["request"] = .string(request.id)
                    details["right"] = .string(request.kind.rawValue)
                }
                if written.tombstone { details["tombstone"] = .integer(1) }
                return AuditRecord(action: action, regions: [region], subjects: [subject], details: details)
            }
        ).value.request
    }

    /// ``recordAnswer(_:region:subject:requestID:outcome:erasedAt:context:now:)`` after an
    /// effect that has committed in a region store. Its failure (the audit trail or
    /// `control.db` unavailable) must not be reported as the operation's: the effect
    /// happened, and a 503 would tell the caller it did not. It becomes a warning for the
    /// operator instead; running the operation again completes the request (an erasure
    /// returns its original receipt and finishes its tombstone too).
    func recordAnswerAfterEffect(
        _ kind: Right?,
        region: RegionID,
        subject: SubjectID,
        requestID: String?,
        outcome: String,
        erasedAt: Int64? = nil,
        effect: String,
        context: AccessContext,
        now: Int64
    ) {
        do {
            try recordAnswer(
                kind,
                region: region,
                subject: subject,
                requestID: requestID,
                outcome: outcome,
                erasedAt: erasedAt,
                context: context,
                now: now
            )
        } catch {
            addWarning(
                "\(effect) committed in region \(region), but recording it in control.db (\(erasedAt == nil ? "" : "tombstone, ")DSR register) failed (\(Self.reasonCode(error))): run it again to complete the request"
            )
        }
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

extension DSRRequest {
    /// Whether `id` has the shape of the register's ids (`dsr-` and 16 hex digits), so it
    /// may be repeated in an audit entry (anything else a caller typed may not).
    static func isWellFormedID(_ id: String) -> Bool {
        id.utf8.count == 20 && id.hasPrefix("dsr-")
            && id.utf8.dropFirst(4).allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
