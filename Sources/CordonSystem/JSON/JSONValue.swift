/// A parsed JSON value that remembers the line it started on: Cordon's one JSON reader's
/// output, for configuration files, ingest lines and stored audit entries alike.
///
/// Cordon parses JSON with its own small parser rather than `JSONSerialization` because
/// its callers need what that API throws away: the line of every value, the order of keys,
/// duplicate keys (the linter reports them, the audit trail refuses them), the literal
/// text of numbers (`1`, `1.0` and `1e0` differ in a canonical entry), and the difference
/// between `true` and `1`.
public struct JSONValue: Sendable {
    /// One `"key": value` pair of an object, in file order.
    public struct Member: Sendable {
        public var key: String
        public var line: Int
        public var value: JSONValue

        public init(key: String, line: Int, value: JSONValue) {
            self.key = key
            self.line = line
            self.value = value
        }
    }

    /// The shape of a value.
    public enum Kind: Sendable {
        case object([Member])
        case array([JSONValue])
        case string(String)
        /// The literal text, kept so integers and decimals can be told apart.
        case number(String)
        case bool(Bool)
        case null
    }

    public var kind: Kind
    public var line: Int

    public init(kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// The JSON type name used in lint messages ("object", "string", ...).
    public var typeName: String {
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
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line 3, column 7: expected ':' after key "a"`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
