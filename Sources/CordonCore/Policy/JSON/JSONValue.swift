/// A parsed JSON value that remembers the line it started on.
///
/// Cordon parses its configuration with its own small parser rather than
/// `JSONSerialization` because the linter needs what that API throws away: the line of
/// every value, the order of keys, duplicate keys, and the difference between `true` and `1`.
struct JSONValue: Sendable {
    /// One `"key": value` pair of an object, in file order.
    struct Member: Sendable {
        var key: String
        var line: Int
        var value: JSONValue
    }

    /// The shape of a value.
    enum Kind: Sendable {
        case object([Member])
        case array([JSONValue])
        case string(String)
        /// The literal text, kept so integers and decimals can be told apart.
        case number(String)
        case bool(Bool)
        case null
    }

    var kind: Kind
    var line: Int

    /// The JSON type name used in lint messages ("object", "string", ...).
    var typeName: String {
        switch kind {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number(let text): text.contains(where: { ".eE".contains($0) }) ? "number" : "integer"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

/// A syntax error in a JSON document, with its 1-based position.
struct JSONSyntaxError: Error, Sendable {
    var line: Int
    var column: Int
    var message: String
}
