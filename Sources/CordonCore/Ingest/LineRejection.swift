/// Why one input line was refused: the reason code, the field (a JSON path such as
/// `pii.email`), and a sentence that names no personal value.
public struct LineRejection: Error, Sendable, Codable, Equatable {
    /// 1-based line number in the input.
    public var line: Int
    public var reason: RejectReason
    public var field: String?
    public var message: String

    public init(line: Int = 0, reason: RejectReason, field: String? = nil, message: String) {
        self.line = line
        self.reason = reason
        self.field = field
        self.message = message
    }

    /// A line that needs `region`, whose store cannot serve now. The message names the
    /// region and its code only, never the store's own message (it names server files).
    static func regionUnavailable(
        _ region: RegionID,
        _ failure: VaultError,
        field: String?,
        needs: String
    ) -> LineRejection {
        LineRejection(
            reason: .regionUnavailable,
            field: field,
            message:
                "region \(region) cannot be read or written now (\(failure.code)) and \(needs); send this line again once the region is back in service"
        )
    }

    static func invalid(_ field: String, _ message: String) -> LineRejection {
        LineRejection(reason: .invalidField, field: field, message: "\(field): \(message)")
    }
}
