import CordonStore
import Foundation

extension DSRRegister {
    /// The columns every query selects, in the order ``decode(_:)`` reads them by name.
    static let columns: SQL = """
        id, region, subject_id, external_ref, kind, received_at, due_at, extended_due_at, extension_reason, \
        status, completed_at, outcome, policy_id, policy_version
        """

    /// Stores a new request on `connection` (inside the caller's transaction).
    static func insert(_ request: DSRRequest, in connection: Connection) throws {
        try connection.execute(
            """
            INSERT INTO dsr_requests(\(literal: Self.columns)) VALUES (
                \(request.id), \(request.region.rawValue), \(request.subjectID), \(request.externalRef),
                \(request.kind.rawValue), \(UnixSeconds.from(request.receivedAt)), \(UnixSeconds.from(request.dueAt)),
                \(request.extendedDueAt.map(UnixSeconds.from)), \(request.extensionReason), \(request.status.rawValue),
                \(request.completedAt.map(UnixSeconds.from)), \(request.outcome), \(request.policyID.rawValue),
                \(request.policyVersion))
            """
        )
    }

    /// The request with `id`, read on `connection`.
    static func fetch(id: String, in connection: Connection) throws -> DSRRequest {
        let rows = try connection.query("SELECT \(literal: columns) FROM dsr_requests WHERE id = \(id)")
        guard let row = rows.first else {
            // The id is echoed: it is Cordon's own random handle, not personal data.
            let shown = id.count <= 40 ? "'\(id)'" : "that id"
            throw ControlError(
                .unknownRequest,
                "no data-subject request has id \(shown); `cordon dsr list --status all` shows them all"
            )
        }
        return try decode(row)
    }

    /// A request from a row selected with ``columns``.
    static func decode(_ row: Row) throws -> DSRRequest {
        let id = try row.get(String.self, "id")
        let kindText = try row.get(String.self, "kind")
        let statusText = try row.get(String.self, "status")
        guard let kind = Right(rawValue: kindText), let status = DSRRequest.Status(rawValue: statusText) else {
            throw ControlError(
                .damagedRecord,
                "request \(id) in control.db has a right or status this build does not know; upgrade cordon"
            )
        }
        func date(_ column: String) throws -> Date? {
            try row.get(Int64?.self, column).map(UnixSeconds.date)
        }
        guard let receivedAt = try date("received_at"), let dueAt = try date("due_at") else {
            throw ControlError(.damagedRecord, "request \(id) in control.db has no receipt or due time")
        }
        return DSRRequest(
            id: id,
            region: RegionID(rawValue: try row.get(String.self, "region")),
            subjectID: try row.get(String?.self, "subject_id"),
            externalRef: try row.get(String?.self, "external_ref"),
            kind: kind,
            receivedAt: receivedAt,
            dueAt: dueAt,
            extendedDueAt: try date("extended_due_at"),
            extensionReason: try row.get(String?.self, "extension_reason"),
            status: status,
            completedAt: try date("completed_at"),
            outcome: try row.get(String?.self, "outcome"),
            policyID: PolicyID(rawValue: try row.get(String.self, "policy_id")),
            policyVersion: try row.get(String.self, "policy_version")
        )
    }
}
