/// A metadata value: text, a number, a flag, a list or a nested dictionary, or a sensitive
/// value that every handler prints as `<redacted>`.
///
/// String, integer, floating-point, boolean, array and dictionary literals convert to it:
/// `logger.info("done", metadata: ["status": 200, "route": "/v1/regions"])`.
public enum MetadataValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([MetadataValue])
    case dictionary([String: MetadataValue])
    /// Held so a record can say a value existed; never written by a handler.
    case sensitive(String)
}

extension MetadataValue: CustomStringConvertible {
    /// The value as text handlers print it (`<redacted>` for a sensitive value).
    public var description: String {
        switch self {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        case .array(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .dictionary(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .sensitive: "<redacted>"
        }
    }
}

extension MetadataValue: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension MetadataValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .integer(value) }
}

extension MetadataValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension MetadataValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MetadataValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: MetadataValue...) { self = .array(elements) }
}

extension MetadataValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, MetadataValue)...) {
        self = .dictionary(Dictionary(elements) { _, last in last })
    }
}

extension MetadataValue: Encodable {
    /// The value as JSON; a sensitive one as `"<redacted>"`, a non-finite number as text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let text): try container.encode(text)
        case .integer(let number): try container.encode(number)
        case .double(let number) where number.isFinite: try container.encode(number)
        case .double(let number): try container.encode(String(number))
        case .bool(let flag): try container.encode(flag)
        case .array(let values): try container.encode(values)
        case .dictionary(let values): try container.encode(values)
        case .sensitive: try container.encode("<redacted>")
        }
    }
}
