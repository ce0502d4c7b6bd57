import CordonCrypto
import CordonStore
import Foundation

/// The register of data-subject requests: every request with its legal deadline from
/// the policy in force, extensions, completion, and the overdue list a DPO works from.
///
/// Deadlines follow each law's own calendar rule through ``Policy/RightRule``: GDPR one
/// calendar month, CCPA 45 days, LGPD 15 days, PIPL 15 working days.
///
/// Internal: the register only reads and writes rows on the connection it is given. The
/// vault's DSR methods (``Vault/openRequest(_:region:subject:externalRef:receivedAt:context:)``
/// and its siblings) are the one door — each change runs inside an audited, anchored
/// write to `control.db` (``Vault/write(_:context:_:entry:afterAppend:)``), so no caller
/// can change the register without its audit entry, or record an entry for a change that
/// did not happen (decision 0009).
///
/// ```swift
/// let (request, _) = try vault.write(.control, context: context, { db in
///     try vault.dsr.open(kind: .access, region: "eu", policy: policy, subjectID: id,
///                        externalRef: "ZD-4521", receivedAt: Date(), in: db)
/// }, entry: { request in AuditRecord(action: "dsr.open", regions: [request.region]) })
/// ```
struct DSRRegister: Sendable {
    /// The loaded policies by id, for the extension rules of requests already open.
    var policies: [PolicyID: Policy]

    /// Creates a register that looks up extension rules in `policies`.
    init(policies: [PolicyID: Policy]) {
        self.policies = policies
    }

    /// Creates a register with the configuration's policies.
    init(configuration: PolicyConfiguration) {
        self.init(policies: configuration.policies)
    }

    // MARK: Recording

    /// Records a request received at `receivedAt`, due as `policy` says for `kind`.
    ///
    /// - Parameters:
    ///   - subjectID: Cordon's random subject id, when the person has been found; never
    ///     an email or a name.
    ///   - externalRef: The requester's ticket reference. One of the two is required.
    ///   - receivedAt: The time of receipt, from which the law counts; kept to the second.
    /// - Throws: ``ControlError/Code/rightNotProvided`` when the policy does not grant
    ///   the right (GDPR has no `opt_out_sale_share`), ``ControlError/Code/invalidInput``
    ///   for a malformed id or reference.
    func open(
        kind: Right,
        region: RegionID,
        policy: Policy,
        subjectID: String?,
        externalRef: String?,
        receivedAt: Date,
        in db: Connection
    ) throws -> DSRRequest {
        let request = try makeRequest(
            kind: kind,
            region: region,
            policy: policy,
            subjectID: subjectID,
            externalRef: externalRef,
            receivedAt: receivedAt
        )
        try Self.insert(request, in: db)
        return request
    }

    /// Records a request that was received and answered at `now`, such as an export or
    /// an erasure the DPO ran directly, and returns it completed.
    ///
    /// Its deadline is computed as for ``open(kind:region:policy:subjectID:externalRef:receivedAt:in:)``,
    /// so the register shows it was met.
    @discardableResult
    func recordCompleted(
        kind: Right,
        region: RegionID,
        policy: Policy,
        subjectID: String?,
        externalRef: String? = nil,
        outcome: String?,
        now: Date,
        in db: Connection
    ) throws -> DSRRequest {
        var request = try makeRequest(
            kind: kind,
            region: region,
            policy: policy,
            subjectID: subjectID,
            externalRef: externalRef,
            receivedAt: now
        )
        if let outcome { try ControlInput.validate(text: outcome, field: "outcome") }
        request.status = .completed
        request.completedAt = request.receivedAt
        request.outcome = outcome
        try Self.insert(request, in: db)
        return request
    }

    /// Extends the deadline of an open request once, as far as its policy allows.
    ///
    /// The extension must be taken within the original period and, where the policy
    /// says so, with the reason the subject is told (GDPR Art. 12(3): "informing the
    /// data subject of any such extension within one month of receipt of the request,
    /// together with the reasons for the delay"). The extended deadline counts from
    /// receipt: one month plus two is three months from receipt.
    ///
    /// - Throws: ``ControlError`` with ``ControlError/Code/unknownRequest``,
    ///   ``ControlError/Code/alreadyCompleted``, ``ControlError/Code/alreadyExtended``,
    ///   ``ControlError/Code/noExtension``, ``ControlError/Code/extensionTooLate`` or
    ///   ``ControlError/Code/reasonRequired``.
    @discardableResult
    func extend(id: String, reason: String?, now: Date, in connection: Connection) throws -> DSRRequest {
        let reason = reason?.trimmingCharacters(in: .whitespaces)
        if let reason { try ControlInput.validate(text: reason, field: "reason") }
        var request = try Self.fetch(id: id, in: connection)
        guard request.status != .completed else {
            throw ControlError(.alreadyCompleted, "\(id) is already completed; there is nothing to extend")
        }
        if let extendedDueAt = request.extendedDueAt {
            throw ControlError(
                .alreadyExtended,
                "\(id) was already extended to \(Timestamp.format(extendedDueAt)); a deadline can be extended "
                    + "only once, so answer it by then"
            )
        }
        guard let policy = policies[request.policyID] else {
            throw ControlError(
                .unknownPolicy,
                "\(id) was opened under policy '\(request.policyID)', which is not loaded; "
                    + "run with the configuration that defines it"
            )
        }
        guard let rule = policy.rights[request.kind], rule.isProvided,
            let extensionPeriod = rule.extensionPeriod,
            let extendedDueAt = rule.extendedDueDate(forRequestReceivedAt: request.receivedAt)
        else {
            throw ControlError(
                .noExtension,
                "policy \(policy.id) allows no extension for \(request.kind.rawValue) requests; "
                    + "\(id) must be answered by \(Timestamp.format(request.dueAt))"
            )
        }
        guard now <= request.dueAt else {
            throw ControlError(
                .extensionTooLate,
                "\(id) was due \(Timestamp.format(request.dueAt)), before now; an extension must be taken and the "
                    + "subject told within the original period (GDPR Art. 12(3); CCPA 1798.130(a)(2)(A)), so a late one is not "
                    + "lawful: "
                    + "answer the request now and record the delay"
            )
        }
        if extensionPeriod.requiresReason && (reason ?? "").isEmpty {
            throw ControlError(
                .reasonRequired,
                "policy \(policy.id) requires the reason for the delay, which the subject must be told; "
                    + "give one to extend \(id)"
            )
        }
        request.extendedDueAt = extendedDueAt
        request.extensionReason = reason.flatMap { $0.isEmpty ? nil : $0 }
        request.status = .extended
        try connection.execute(
            """
            UPDATE dsr_requests
            SET extended_due_at = \(UnixSeconds.from(extendedDueAt)), extension_reason = \(request.extensionReason),
                status = \(request.status.rawValue)
            WHERE id = \(id)
            """
        )
        return request
    }

    /// Marks an open or extended request answered at `now`, late or not.
    ///
    /// - Warning: `outcome` is stored in clear and shown in listings: describe what
    ///   was done ("export sent", "erased"), never the person or their data.
    @discardableResult
    func complete(id: String, outcome: String?, now: Date, in connection: Connection) throws -> DSRRequest {
        let outcome = outcome?.trimmingCharacters(in: .whitespaces)
        if let outcome { try ControlInput.validate(text: outcome, field: "outcome") }
        let completedAt = UnixSeconds.truncate(now)
        var request = try Self.fetch(id: id, in: connection)
        guard request.status != .completed else {
            throw ControlError(
                .alreadyCompleted,
                "\(id) was already completed at \(request.completedAt.map(Timestamp.format) ?? "an unknown time")"
            )
        }
        guard completedAt >= request.receivedAt else {
            throw ControlError(
                .invalidInput,
                "\(id) was received \(Timestamp.format(request.receivedAt)), after the completion time"
            )
        }
        request.status = .completed
        request.completedAt = completedAt
        request.outcome = outcome.flatMap { $0.isEmpty ? nil : $0 }
        try connection.execute(
            """
            UPDATE dsr_requests
            SET status = \(request.status.rawValue), completed_at = \(UnixSeconds.from(completedAt)),
                outcome = \(request.outcome)
            WHERE id = \(id)
            """
        )
        return request
    }

    // MARK: Reading

    /// The request with this id.
    ///
    /// - Throws: ``ControlError/Code/unknownRequest`` when there is none.
    func request(id: String, in connection: Connection) throws -> DSRRequest {
        try Self.fetch(id: id, in: connection)
    }

    /// The requests matching `filter` at `now`, soonest deadline in force first.
    func list(filter: DSRRequest.Filter = .open, now: Date, in connection: Connection) throws -> [DSRRequest] {
        let condition: SQL =
            switch filter {
            case .all: "1"
            case .open, .overdue: "status <> \(DSRRequest.Status.completed.rawValue)"
            case .extended: "status = \(DSRRequest.Status.extended.rawValue)"
            case .completed: "status = \(DSRRequest.Status.completed.rawValue)"
            }
        let requests = try connection.query(
            """
            SELECT \(literal: Self.columns) FROM dsr_requests WHERE \(literal: condition)
            ORDER BY coalesce(extended_due_at, due_at), received_at, id
            """
        ).map(Self.decode)
        return filter == .overdue ? requests.filter { $0.isOverdue(now: now) } : requests
    }

    // MARK: Internals

    /// A new open request, validated and with its deadline computed; not yet stored.
    func makeRequest(
        kind: Right,
        region: RegionID,
        policy: Policy,
        subjectID: String?,
        externalRef: String?,
        receivedAt: Date
    ) throws -> DSRRequest {
        guard subjectID != nil || externalRef != nil else {
            throw ControlError(
                .invalidInput,
                "a request needs the subject's id or the requester's reference, so it can be traced"
            )
        }
        if let subjectID { try ControlInput.validate(subjectID: subjectID) }
        if let externalRef { try ControlInput.validate(externalRef: externalRef) }
        let receivedAt = UnixSeconds.truncate(receivedAt)
        guard let rule = policy.rights[kind], rule.isProvided,
            let dueAt = rule.dueDate(forRequestReceivedAt: receivedAt)
        else {
            throw ControlError(
                .rightNotProvided,
                "policy \(policy.id) (region \(region)) does not provide the right '\(kind.rawValue)'; "
                    + "answer the requester under a right it does provide (see `cordon policy show \(region)`)"
            )
        }
        return DSRRequest(
            id: "dsr-" + Hex.encode(SecureRandom.randomID(byteCount: 8)),
            region: region,
            subjectID: subjectID,
            externalRef: externalRef,
            kind: kind,
            receivedAt: receivedAt,
            dueAt: UnixSeconds.truncate(dueAt),
            status: .open,
            policyID: policy.id,
            policyVersion: policy.version
        )
    }
}
