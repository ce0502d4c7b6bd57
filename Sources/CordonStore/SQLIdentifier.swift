/// A table, column or index name that is safe to splice into SQL text.
///
/// Names must match `[A-Za-z_][A-Za-z0-9_]*` and render double-quoted, so a name is
/// never read as a keyword. Region and catalog names reach SQL only through this type.
public struct SQLIdentifier: Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The unquoted name.
    public let name: String

    /// Validates a name, throwing ``StoreError/Code/invalidIdentifier`` when it has any
    /// character outside `[A-Za-z0-9_]`, starts with a digit, or is empty.
    ///
    /// The error does not repeat the name: it may come from a request.
    public init(_ name: String) throws {
        guard Self.isValid(name) else {
            throw StoreError(
                code: .invalidIdentifier,
                message: "an SQL identifier must match [A-Za-z_][A-Za-z0-9_]*"
            )
        }
        self.name = name
    }

    /// Creates an identifier from a literal in the source code, trapping when it is
    /// invalid because that is a bug in the program, not bad input.
    public init(stringLiteral value: StaticString) {
        let name = value.description
        precondition(Self.isValid(name), "invalid SQL identifier literal \"\(name)\"")
        self.name = name
    }

    /// The name in double quotes, as it appears in SQL.
    public var quoted: String { "\"\(name)\"" }

    /// The quoted name.
    public var description: String { quoted }

    private static func isValid(_ name: String) -> Bool {
        var bytes = name.utf8.makeIterator()
        guard let first = bytes.next(), first == UInt8(ascii: "_") || first.isASCIILetter else {
            return false
        }
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "_") || byte.isASCIILetter || byte.isASCIIDigit else {
                return false
            }
        }
        return true
    }
}

extension UInt8 {
    fileprivate var isASCIILetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }

    fileprivate var isASCIIDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
