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

    static func invalid(_ field: String, _ message: String) -> LineRejection {
        LineRejection(reason: .invalidField, field: field, message: "\(field): \(message)")
    }
}
