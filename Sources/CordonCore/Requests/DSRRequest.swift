public import Foundation

/// One data-subject request as the register tracks it: who asked for what, under which
/// policy, when it is due, and how it ended.
///
/// Times are whole seconds (UTC). JSON writes them as RFC 3339 strings and the
/// right and status as their policy spellings (`opt_out_sale_share`, `extended`):
///
/// ```json
/// {"id": "dsr-3f2a9c0d1e4b5a6f", "kind": "erasure", "region": "eu", "status": "open",
///  "receivedAt": "2025-01-31T08:00:00.000Z", "dueAt": "2025-02-28T08:00:00.000Z", ...}
/// ```
public struct DSRRequest: Hashable, Sendable {
    /// Where a request stands.
    public enum Status: String, CaseIterable, Hashable, Sendable {
        /// Received, being handled, within its original deadline or past it.
        case open
        /// Received, with the deadline extended once as the policy allows.
        case extended
        /// Answered; nothing about it changes any more.
        case completed
    }

    /// The register's id, `dsr-` and 16 hex digits.
    public var id: String
    /// The region whose policy governs the request.
    public var region: RegionID
    /// Cordon's random id of the subject, once known.
    public var subjectID: String?
    /// The requester's own ticket reference, if any.
    public var externalRef: String?
    /// The right exercised.
    public var kind: Right
    /// When the request was received; deadlines count from here.
    public var receivedAt: Date
    /// The deadline the law sets from receipt.
    public var dueAt: Date
    /// The deadline with the extension taken, once extended.
    public var extendedDueAt: Date?
    /// Why the deadline was extended, as the subject was told.
    public var extensionReason: String?
    /// Open, extended or completed.
    public var status: Status
    /// When the request was answered.
    public var completedAt: Date?
    /// What the answer was, in a few words.
    public var outcome: String?
    /// The policy the deadline was computed under.
    public var policyID: PolicyID
    /// That policy's version at receipt.
    public var policyVersion: String

    /// Creates a request value; ``DSRRegister`` is the way to record one.
    public init(
        id: String,
        region: RegionID,
        subjectID: String?,
        externalRef: String?,
        kind: Right,
        receivedAt: Date,
        dueAt: Date,
        extendedDueAt: Date? = nil,
        extensionReason: String? = nil,
        status: Status,
        completedAt: Date? = nil,
        outcome: String? = nil,
        policyID: PolicyID,
        policyVersion: String
    ) {
        self.id = id
        self.region = region
        self.subjectID = subjectID
        self.externalRef = externalRef
        self.kind = kind
        self.receivedAt = receivedAt
        self.dueAt = dueAt
        self.extendedDueAt = extendedDueAt
        self.extensionReason = extensionReason
        self.status = status
        self.completedAt = completedAt
        self.outcome = outcome
        self.policyID = policyID
        self.policyVersion = policyVersion
    }

    /// The deadline in force: the extended one once extended, the original otherwise.
    public var effectiveDueAt: Date { extendedDueAt ?? dueAt }

    /// Whether the request is answered.
    public var isCompleted: Bool { status == .completed }

    /// Whether the request is still unanswered after its deadline in force.
    public func isOverdue(now: Date) -> Bool {
        !isCompleted && now > effectiveDueAt
    }

    /// Whole days from `now` until the deadline in force, rounded down: 0 on the last
    /// day, negative once overdue (-1 within the first day past it).
    public func daysLeft(now: Date) -> Int {
        Int((effectiveDueAt.timeIntervalSince(now) / 86_400).rounded(.down))
    }
}
